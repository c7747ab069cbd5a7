/**
 * The embedded S3 endpoint (the `s3rver` package) behind `npm start` with no
 * S3_ENDPOINT. Objects live under DATA_DIR/s3 and survive restarts; the
 * platform talks to it exactly as it talks to MinIO in production.
 */
import fs from "node:fs";
import path from "node:path";

export interface EmbeddedS3 {
	endpoint: string;
	accessKey: string;
	secretKey: string;
	bucket: string;
	region: string;
	stop(): Promise<void>;
}

// s3rver accepts this fixed key pair; it is local-only and never used in production.
const S3RVER_ACCESS_KEY = "S3RVER";
const S3RVER_SECRET_KEY = "S3RVER";

export async function startEmbeddedS3(dataDir: string, port: number, bucket = "nexgate"): Promise<EmbeddedS3> {
	const directory = path.join(dataDir, "s3");
	fs.mkdirSync(directory, { recursive: true });
	const S3rver = require("s3rver") as new (o: object) => { run(): Promise<{ port: number }>; close(): Promise<void> };
	const server = new S3rver({
		port,
		address: "127.0.0.1",
		directory,
		silent: true,
		configureBuckets: [{ name: bucket }]
	});
	const info = await server.run();
	return {
		endpoint: `http://127.0.0.1:${info.port}`,
		accessKey: S3RVER_ACCESS_KEY,
		secretKey: S3RVER_SECRET_KEY,
		bucket,
		region: "us-east-1",
		stop: () => server.close()
	};
}
