import { expect } from "chai";
import { Errors } from "moleculer";
import ApiGateway from "moleculer-web";
import { badRequest, conflict, ErrorType, forbidden, notFound, tooManyRequests, unauthorized, unprocessable } from "../../../lib/errors";
import { bodyParserErrors, sanitizeErrorData, toErrorResponse } from "../../../services/api/errors";

describe("error vocabulary (lib/errors)", () => {
	it("each helper is a MoleculerClientError with its status and a stable type", () => {
		const cases: [Error, number, string][] = [
			[badRequest("bad"), 400, ErrorType.BAD_REQUEST],
			[unauthorized(), 401, ErrorType.UNAUTHORIZED],
			[forbidden(), 403, ErrorType.FORBIDDEN],
			[notFound("Order not found", "ORDER_NOT_FOUND"), 404, "ORDER_NOT_FOUND"],
			[conflict("Already shipped"), 409, ErrorType.CONFLICT],
			[unprocessable("Out of stock", "OUT_OF_STOCK"), 422, "OUT_OF_STOCK"],
			[tooManyRequests(12), 429, ErrorType.RATE_LIMITED]
		];
		for (const [err, code, type] of cases) {
			expect(err).to.be.instanceOf(Errors.MoleculerClientError);
			expect(err).to.include({ code, type });
		}
		expect((tooManyRequests(12) as unknown as { data: unknown }).data).to.deep.equal({ retryAfter: 12 });
	});
});

describe("toErrorResponse", () => {
	it("maps moleculer's ValidationError (422) to 400 and drops the rejected values", () => {
		const err = new Errors.ValidationError("Parameters validation error!", "VALIDATION_ERROR", [
			{ type: "stringMin", field: "password", message: "too short", expected: 8, actual: "hunter2" }
		]);
		const res = toErrorResponse(err, "req-1");
		expect(res.status).to.equal(400);
		expect(res.body).to.deep.equal({
			name: "ValidationError",
			message: "Parameters validation error!",
			code: 400,
			type: "VALIDATION_ERROR",
			data: [{ type: "stringMin", field: "password", message: "too short", expected: 8 }]
		});
		expect(JSON.stringify(res.body)).to.not.include("hunter2");
	});

	it("maps body-parser failures (as moleculer-web re-wraps them) to 400 / 413 / 415", () => {
		const wrap = (message: string, status: number, type: string) => new Errors.MoleculerError(message, status, type);
		const json = toErrorResponse(wrap("Unexpected token } in JSON at position 9", 400, "entity.parse.failed"));
		expect(json.status).to.equal(400);
		expect(json.body.type).to.equal("INVALID_JSON");
		expect(json.body.message).to.not.include("position");
		expect(toErrorResponse(wrap("request entity too large", 413, "entity.too.large")).status).to.equal(413);
		expect(toErrorResponse(wrap("request entity too large", 413, "entity.too.large")).body.type).to.equal("PAYLOAD_TOO_LARGE");
		expect(toErrorResponse(wrap('unsupported charset "X"', 415, "charset.unsupported")).status).to.equal(415);
	});

	it("turns raw body-parser errors into client errors before moleculer-web re-wraps them", () => {
		// What body-parser hands on for a corrupt gzip body: http-errors over a zlib error with a string code.
		const zlib = Object.assign(new Error("incorrect header check"), { code: "Z_DATA_ERROR", status: 400, statusCode: 400, expose: true });
		let passed: unknown;
		bodyParserErrors(zlib, {}, {}, err => (passed = err));
		expect(passed).to.be.instanceOf(Errors.MoleculerClientError);
		expect(passed).to.include({ code: 400, type: "BAD_REQUEST" });
		const unrelated = new Error("not from the parser");
		bodyParserErrors(unrelated, {}, {}, err => (passed = err));
		expect(passed).to.equal(unrelated);
	});

	it("passes client errors through with status, type and data", () => {
		const res = toErrorResponse(conflict("Order already paid", "ORDER_STATE", { status: "paid" }));
		expect(res).to.deep.include({ status: 409, internal: false });
		expect(res.body).to.deep.equal({ name: "MoleculerClientError", message: "Order already paid", code: 409, type: "ORDER_STATE", data: { status: "paid" } });
	});

	it("treats an error re-created from another node (plain Error with code/type) by its fields", () => {
		const remote = Object.assign(new Error("Shop not found"), { name: "NotFoundError", code: 404, type: "SHOP_NOT_FOUND", data: { id: "s1" } });
		const res = toErrorResponse(remote);
		expect(res.status).to.equal(404);
		expect(res.body).to.include({ type: "SHOP_NOT_FOUND", message: "Shop not found" });
	});

	it("hides the message, type and data of an internal error and carries the request id", () => {
		const err = Object.assign(new TypeError("Cannot read properties of undefined (reading 'dbPassword')"), { data: { secret: 1 } });
		const res = toErrorResponse(err, "req-42");
		expect(res.status).to.equal(500);
		expect(res.internal).to.equal(true);
		expect(res.body).to.deep.equal({ name: "InternalServerError", message: "Internal server error", code: 500, type: "INTERNAL_ERROR", data: { requestId: "req-42" } });
		// A string code (Postgres "23505", ECONNREFUSED) is not an HTTP status.
		expect(toErrorResponse(Object.assign(new Error("dup"), { code: "23505" })).status).to.equal(500);
		expect(toErrorResponse("a thrown string").status).to.equal(500);
	});

	it("answers 503 for missing services and 504 for timeouts, without internal details", () => {
		const missing = toErrorResponse(new Errors.ServiceNotFoundError({ action: "payments.charge", nodeID: "node-7" }));
		expect(missing.status).to.equal(503);
		expect(JSON.stringify(missing.body)).to.not.include("node-7");
		const timeout = toErrorResponse(new Errors.RequestTimeoutError({ action: "x.y", nodeID: "n" }));
		expect(timeout.status).to.equal(504);
		expect(timeout.body.type).to.equal("GATEWAY_TIMEOUT");
	});

	it("adds WWW-Authenticate to 401 and Retry-After to 429", () => {
		const expired = toErrorResponse(unauthorized("Access token expired", "TOKEN_EXPIRED"));
		expect(expired.headers["WWW-Authenticate"]).to.equal('Bearer realm="nexgate", error="invalid_token"');
		const limited = toErrorResponse(tooManyRequests(37, { limit: 3 }));
		expect(limited.status).to.equal(429);
		expect(limited.headers["Retry-After"]).to.equal("37");
		// moleculer-web's own limiter error has no type: it gets the platform's.
		expect(toErrorResponse(new ApiGateway.Errors.RateLimitExceeded(undefined as unknown as string)).body.type).to.equal("RATE_LIMITED");
	});

	it("never lets a stack or a nested Error through in data", () => {
		const res = toErrorResponse(badRequest("bad", "BAD_REQUEST", { nested: { stack: "at x (y.js:1)", ok: 1 }, cause: new Error("inner") }));
		expect(res.body.data).to.deep.equal({ nested: { ok: 1 } });
		expect(sanitizeErrorData({ a: [{ stack: "s", b: 2 }] })).to.deep.equal({ a: [{ b: 2 }] });
	});
});
