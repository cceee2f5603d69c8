/** memOS's mark and name, drawn inline (no image request, no web font). */
export function Logo() {
  return (
    <span class="logo">
      <svg width="28" height="28" viewBox="0 0 40 40" aria-hidden="true">
        <rect x="2" y="2" width="36" height="36" rx="9" fill="#4f46e5" />
        <path d="M11 28V15l4.5 6 4.5-6 4.5 6 4.5-6v13" fill="none" stroke="#fff" stroke-width="2.6" stroke-linecap="round" stroke-linejoin="round" />
        <circle cx="11" cy="15" r="2.4" fill="#fff" />
        <circle cx="20" cy="15" r="2.4" fill="#fff" />
        <circle cx="29" cy="15" r="2.4" fill="#fff" />
      </svg>
      <span>
        mem<b>OS</b>
      </span>
    </span>
  );
}
