/**
 * Object storage through the `minio` client: MinIO in production, the
 * embedded `s3rver` in embedded and test mode (same S3 API).
 *
 * Two clients: one talks to S3_ENDPOINT (the platform's own traffic), the
 * other only signs URLs for the address clients reach (FILES_PUBLIC_S3_URL,
 * default S3_ENDPOINT). SigV4 signs the host, so a URL must be signed for the
 * host that will receive it; signing makes no network call (the region is set).
 */
import fs from "node:fs";
import type { Readable } from "node:stream";
import * as Minio from "minio";
import { Errors } from "moleculer";

/** Network failures reaching the store: the client did nothing wrong and may retry (503). */
const UNREACHABLE = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "ETIMEDOUT", "EAI_AGAIN", "EHOSTUNREACH", "EPIPE"]);

function unavailable(err: unknown): never {
	if (UNREACHABLE.has((err as { code?: string })?.code ?? "")) throw new Errors.MoleculerRetryableError("Object storage is unavailable", 503, "STORAGE_UNAVAILABLE");
	throw err;
}

/** The client with every promise it returns turning network failures into 503 STORAGE_UNAVAILABLE. */
function guarded(c: Minio.Client): Minio.Client {
	return new Proxy(c, {
		get(target, prop, receiver) {
			const value = Reflect.get(target, prop, receiver);
			if (typeof value !== "function") return value;
			return (...args: unknown[]) => {
				const result = value.apply(target, args);
				return result instanceof Promise ? result.catch(unavailable) : result;
			};
		}
	});
}

export interface S3Settings {
	endpoint: string;
	accessKey: string;
	secretKey: string;
	bucket: string;
	region: string;
}

function client(endpoint: string, s: S3Settings): Minio.Client {
	const u = new URL(endpoint);
	const useSSL = u.protocol === "https:";
	return new Minio.Client({
		endPoint: u.hostname,
		port: u.port ? Number(u.port) : useSSL ? 443 : 80,
		useSSL,
		accessKey: s.accessKey,
		secretKey: s.secretKey,
		region: s.region,
		// Path-style (host/bucket/key): works with MinIO, s3rver and any single endpoint.
		pathStyle: true
	});
}

export interface PresignOptions {
	/** Headers S3 answers the GET with (response-content-type, response-content-disposition). */
	responseHeaders?: Record<string, string>;
	/** Signing time (public media is signed as of the start of the day so the URL is stable). */
	signedAt?: Date;
}

export class ObjectStore {
	readonly bucket: string;
	private readonly io: Minio.Client;
	private readonly signer: Minio.Client;

	constructor(settings: S3Settings, publicUrl: string | null) {
		this.bucket = settings.bucket;
		this.io = guarded(client(settings.endpoint, settings));
		this.signer = client(publicUrl ?? settings.endpoint, settings);
	}

	/** Creates the bucket when missing (MinIO deployments may also provision it). */
	async ensureBucket(): Promise<void> {
		if (!(await this.io.bucketExists(this.bucket))) {
			try {
				await this.io.makeBucket(this.bucket, "");
			} catch (err) {
				// Another node made it at the same moment.
				if (!(await this.io.bucketExists(this.bucket))) throw err;
			}
		}
	}

	async put(key: string, body: Buffer, contentType: string): Promise<void> {
		await this.io.putObject(this.bucket, key, body, body.length, { "Content-Type": contentType });
	}

	async putFile(key: string, path: string, contentType: string): Promise<number> {
		const size = (await fs.promises.stat(path)).size;
		await this.io.fPutObject(this.bucket, key, path, { "Content-Type": contentType });
		return size;
	}

	/** Server-side copy, stored under the given (detected) type rather than the uploader's. */
	async copy(fromKey: string, toKey: string, contentType: string): Promise<void> {
		const src = new Minio.CopySourceOptions({ Bucket: this.bucket, Object: fromKey });
		const dst = new Minio.CopyDestinationOptions({
			Bucket: this.bucket,
			Object: toKey,
			MetadataDirective: "REPLACE",
			Headers: { "Content-Type": contentType }
		});
		await this.io.copyObject(src, dst);
	}

	/** Size of an object, or null when it does not exist. */
	async size(key: string): Promise<number | null> {
		try {
			return (await this.io.statObject(this.bucket, key)).size;
		} catch (err) {
			if (isMissing(err)) return null;
			throw err;
		}
	}

	/** The first `length` bytes (for sniffing the type). */
	async head(key: string, length: number): Promise<Buffer> {
		return collect(await this.io.getPartialObject(this.bucket, key, 0, length), length, "truncate");
	}

	/** The whole object, refusing to hold more than `maxBytes` in memory. */
	async read(key: string, maxBytes: number): Promise<Buffer> {
		return collect(await this.io.getObject(this.bucket, key), maxBytes, "throw");
	}

	async download(key: string, path: string): Promise<void> {
		await this.io.fGetObject(this.bucket, key, path);
	}

	/**
	 * One DELETE per key, in turn: a file has a handful of objects, and s3rver's multi-object
	 * delete races on the folders it tidies up (500, then a retry). Deleting a missing key is fine.
	 */
	async remove(keys: string[]): Promise<void> {
		for (const key of keys) await this.io.removeObject(this.bucket, key);
	}

	async list(prefix: string): Promise<string[]> {
		const names: string[] = [];
		try {
			const stream = this.io.listObjectsV2(this.bucket, prefix, true);
			for await (const item of stream as AsyncIterable<{ name?: string }>) if (item.name) names.push(item.name);
		} catch (err) {
			unavailable(err);
		}
		return names;
	}

	/** Removes every object under the (non-empty) prefix, and the listed keys. */
	async removeAll(prefix: string, keys: string[] = []): Promise<void> {
		if (!prefix) throw new Error("removeAll needs a prefix");
		await this.remove([...keys, ...(await this.list(prefix))]);
	}

	presignPut(key: string, ttlSeconds: number): Promise<string> {
		return this.signer.presignedPutObject(this.bucket, key, ttlSeconds);
	}

	presignGet(key: string, ttlSeconds: number, opts: PresignOptions = {}): Promise<string> {
		return this.signer.presignedGetObject(this.bucket, key, ttlSeconds, opts.responseHeaders ?? {}, opts.signedAt);
	}
}

function isMissing(err: unknown): boolean {
	const code = (err as { code?: string }).code;
	return code === "NotFound" || code === "NoSuchKey" || code === "NoSuchObject";
}

/** Reads a stream into memory: up to `maxBytes` (truncate), or refusing anything longer. */
async function collect(stream: Readable, maxBytes: number, over: "truncate" | "throw"): Promise<Buffer> {
	const chunks: Buffer[] = [];
	let total = 0;
	for await (const chunk of stream) {
		chunks.push(chunk as Buffer);
		total += (chunk as Buffer).length;
		if (total >= maxBytes) {
			if (total > maxBytes && over === "throw") {
				stream.destroy();
				throw new Error(`object larger than ${maxBytes} bytes`);
			}
			if (over === "truncate") {
				stream.destroy();
				break;
			}
		}
	}
	const all = Buffer.concat(chunks);
	return all.length > maxBytes ? all.subarray(0, maxBytes) : all;
}
