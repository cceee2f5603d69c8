// A JSON Schema validator for one component of a served OpenAPI 3.1 document (whose schemas are
// JSON Schema 2020-12), `$ref`s between its components resolved.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';

/** Validates values against `#/components/schemas/<name>` of `document`. */
export function componentValidator(document: { components?: unknown }, name: string): ValidateFunction {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  // ajv-formats is CommonJS: its plugin is the module and its `default` alike.
  formats.default(ajv);
  ajv.addSchema({ $id: 'memos-openapi', components: document.components }, 'memos-openapi');
  return ajv.compile({ $ref: `memos-openapi#/components/schemas/${name}` });
}
