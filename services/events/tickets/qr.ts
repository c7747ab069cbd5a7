/**
 * The QR image of a ticket code: PNG as a data URL, so one JSON answer carries
 * it across any topology and an app can show it offline.
 *
 * Error correction L: the code is shown on a phone screen or printed whole, and
 * L keeps the symbol at version 16 (81×81 modules) for a 2048-bit RS256 code,
 * where M needs version 18 (89×89) — bigger modules are what cheap cameras need.
 */
import QRCode from "qrcode";

export const QR_OPTIONS = { errorCorrectionLevel: "L", margin: 4, scale: 4 } as const;

export function qrDataUrl(code: string): Promise<string> {
	return QRCode.toDataURL(code, { ...QR_OPTIONS, type: "image/png" });
}

/** The QR version (1–40) the code needs: its size is 17 + 4 × version modules a side. */
export function qrVersion(code: string): number {
	return QRCode.create(code, { errorCorrectionLevel: QR_OPTIONS.errorCorrectionLevel }).version;
}
