/**
 * Object keys. Everything a file produced lives under `f/<fileId>/`, so
 * deleting the prefix removes every variant, whatever versions of the
 * pipeline wrote them; a presigned upload lands in `u/<fileId>` until it is
 * checked and processed.
 */
export const filePrefix = (fileId: string) => `f/${fileId}/`;
export const uploadKey = (fileId: string) => `u/${fileId}`;
export const objectKey = (fileId: string, name: string) => `${filePrefix(fileId)}${name}`;

const EXTENSIONS: Record<string, string> = {
	"image/jpeg": "jpg",
	"image/png": "png",
	"image/gif": "gif",
	"image/webp": "webp",
	"image/avif": "avif",
	"video/mp4": "mp4",
	"application/pdf": "pdf",
	"audio/mpeg": "mp3",
	"audio/mp4": "m4a",
	"audio/aac": "aac",
	"audio/ogg": "ogg",
	"audio/wav": "wav",
	"audio/flac": "flac"
};

export function extensionOf(mime: string): string {
	return EXTENSIONS[mime] ?? "bin";
}
