/**
 * The files domain's own variables (documented in docs/configuration.md, "Files").
 * Parsed once at service creation; a bad value stops start-up naming the variable.
 */
import { int, str, url, type Env } from "../../lib/config/env";
import type { KindLimits } from "./rules/limits";

const MB = 1024 * 1024;

export interface FilesConfig {
	/** ffmpeg / ffprobe binaries: FFMPEG_PATH / FFPROBE_PATH, else the ones shipped in npm packages. */
	ffmpegPath: string;
	ffprobePath: string;
	/** Base URL clients reach the object store on (presigned URLs are signed for this host). */
	publicS3Url: string | null;
	/** Largest upload per kind, in bytes. */
	maxBytes: KindLimits;
	/** Largest body POST /files accepts (bigger files use presigned uploads). */
	multipartMaxBytes: number;
	imageMaxPixels: number;
	videoMaxDurationMs: number;
	quotaBytes: number;
	videoConcurrency: number;
	videoLeaseMs: number;
	videoMaxAttempts: number;
	videoTimeoutMs: number;
	unattachedTtlMs: number;
	cleanupIntervalMs: number;
	uploadUrlTtlSeconds: number;
	privateUrlTtlSeconds: number;
}

function packaged(name: "@ffmpeg-installer/ffmpeg" | "@ffprobe-installer/ffprobe"): string {
	return (require(name) as { path: string }).path;
}

export function loadFilesConfig(env: Env = process.env): FilesConfig {
	return {
		ffmpegPath: str(env, "FFMPEG_PATH") ?? packaged("@ffmpeg-installer/ffmpeg"),
		ffprobePath: str(env, "FFPROBE_PATH") ?? packaged("@ffprobe-installer/ffprobe"),
		publicS3Url: url(env, "FILES_PUBLIC_S3_URL", ["http:", "https:"]),
		maxBytes: {
			image: int(env, "FILES_IMAGE_MAX_MB", 20, 1, 200) * MB,
			video: int(env, "FILES_VIDEO_MAX_MB", 500, 1, 10_240) * MB,
			audio: int(env, "FILES_AUDIO_MAX_MB", 50, 1, 1024) * MB,
			document: int(env, "FILES_DOCUMENT_MAX_MB", 20, 1, 200) * MB
		},
		multipartMaxBytes: int(env, "FILES_MULTIPART_MAX_MB", 25, 1, 200) * MB,
		imageMaxPixels: int(env, "FILES_IMAGE_MAX_MEGAPIXELS", 50, 1, 500) * 1_000_000,
		videoMaxDurationMs: int(env, "FILES_VIDEO_MAX_DURATION_S", 600, 1, 6 * 3600) * 1000,
		quotaBytes: int(env, "FILES_QUOTA_MB", 2048, 1, 10_000_000) * MB,
		videoConcurrency: int(env, "FILES_VIDEO_CONCURRENCY", 1, 0, 32),
		videoLeaseMs: int(env, "FILES_VIDEO_LEASE_S", 60, 2, 3600) * 1000,
		videoMaxAttempts: int(env, "FILES_VIDEO_MAX_ATTEMPTS", 3, 1, 20),
		videoTimeoutMs: int(env, "FILES_VIDEO_TIMEOUT_S", 1800, 10, 6 * 3600) * 1000,
		unattachedTtlMs: int(env, "FILES_UNATTACHED_TTL_S", 86_400, 60, 30 * 86_400) * 1000,
		cleanupIntervalMs: int(env, "FILES_CLEANUP_INTERVAL_S", 3600, 10, 86_400) * 1000,
		uploadUrlTtlSeconds: int(env, "FILES_UPLOAD_URL_TTL_S", 3600, 60, 7 * 86_400),
		privateUrlTtlSeconds: int(env, "FILES_PRIVATE_URL_TTL_S", 900, 30, 7 * 86_400)
	};
}
