// AWS JSON 1.1 (Secrets Manager, KMS): `POST /` with X-Amz-Target, to the Region node of the
// credential scope. The order of the checks is AWS's — method, content type, operation, then the
// signature — except that the body is read (and parsed) only once the signature's head passed.

import { asServiceError } from "./internal-error.js";
import { ServiceError } from "../contract/service-error.js";
import { JSON_CONTENT_TYPE, operationOf, parseJsonBody, serializeError, type JsonService } from "./aws-json.js";
import { encodeJsonOutput } from "./wire-timestamps.js";
import { validateInput } from "./validate.js";
import { bodyAfter, RawRefusal, type ApiDeps, type Route } from "./route.js";

const cannotAuthorize = () =>
  new RawRefusal(403, "<AccessDeniedException>\n  <Message>Unable to determine service/operation name to be authorized</Message>\n</AccessDeniedException>\n");

/** The route every request no other route took ends in: AWS's front end answers it. */
export function awsJsonRoute(services: readonly JsonService[], deps: ApiDeps): Route {
  const serviceOf = (target: string) => services.find((s) => operationOf(s, target) !== undefined);
  return {
    name: "AWS JSON 1.1",
    headFirst: true,
    matches: () => true,
    async handle(r, tools) {
      if (r.method !== "POST") throw cannotAuthorize();
      if (r.contentType !== JSON_CONTENT_TYPE && r.contentType !== "application/json") {
        // With a Service.Operation target AWS says it knows no such operation for this content type.
        if (!/^[^.]+\.[^.]+$/.test(r.target)) throw cannotAuthorize();
        throw new RawRefusal(404, "<UnknownOperationException/>\n");
      }
      const service = serviceOf(r.target);
      const operation = service && operationOf(service, r.target)!;
      // Own properties only: "secretsmanager.constructor" names no operation.
      if (!service || !operation || !Object.hasOwn(service.model.operations, operation)) {
        throw new ServiceError("UnknownOperationException", "");
      }
      const { pending, body } = await bodyAfter(deps.authenticator.begin(r.head, service.signingName), tools);
      const input = parseJsonBody(body);
      const caller = await pending.finish(body, service.signingName);
      const operations = caller.node.services[service.signingName];
      const handler = operations && Object.hasOwn(operations, operation) ? operations[operation] : undefined;
      if (!handler) throw new ServiceError("UnknownOperationException", "");
      const spec = service.model.operations[operation]!;
      const output = await deps.dispatch({
        service: { signingName: service.signingName, model: service.model, denied: { code: "AccessDeniedException", status: 400 } },
        operation,
        caller,
        input,
        validate: () => spec.input && validateInput(service.model, spec.input, input),
        handler,
        access: caller.node.access[service.signingName],
        region: caller.node.info.name,
        ...r.facts,
      });
      // The call wrote to its Region's store and nowhere else.
      return { status: 200, body: encodeJsonOutput(service.model, spec.output, output), contentType: JSON_CONTENT_TYPE, durable: caller.node.store.whenDurable() };
    },
    failure(error, r) {
      const service = serviceOf(r.target);
      const e = asServiceError(error, (message = "An error occurred on the server side.") => new ServiceError(service?.internalError ?? "InternalServiceError", message, 500));
      return { status: e.status, body: serializeError(service?.model, e), contentType: JSON_CONTENT_TYPE };
    },
  };
}
