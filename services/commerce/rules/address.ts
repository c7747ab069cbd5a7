/**
 * Shipping addresses as East African deliveries work (issue 8 item 6): no
 * postcodes, a region, a city or town, an area (ward, estate, street), an
 * optional landmark the rider asks for ("opposite the Total petrol station"),
 * and a phone the rider calls. Pure: trims, collapses spaces, checks lengths
 * and the phone's E.164 form, and names every field that fails.
 */

export interface ShippingAddress {
	recipientName: string;
	phone: string;
	region: string;
	city: string;
	area: string;
	landmark: string | null;
	notes: string | null;
}

export interface AddressProblem {
	field: string;
	message: string;
}

export type AddressResult = { ok: true; address: ShippingAddress } | { ok: false; problems: AddressProblem[] };

const LIMITS = { recipientName: 100, region: 80, city: 80, area: 120, landmark: 200, notes: 300 } as const;

const clean = (v: unknown): string => (typeof v === "string" ? v.normalize("NFC").replace(/\s+/g, " ").trim() : "");

/** +<country code><number>, 8–15 digits in all; spaces, dashes and brackets people type are dropped first. */
export function normalisePhone(v: unknown): string | null {
	if (typeof v !== "string") return null;
	const s = v.replace(/[\s\-()]/g, "");
	return /^\+[1-9]\d{7,14}$/.test(s) ? s : null;
}

export function checkAddress(input: Record<string, unknown>): AddressResult {
	const problems: AddressProblem[] = [];
	const text = (field: keyof typeof LIMITS, required: boolean): string | null => {
		const v = clean(input[field]);
		if (!v) {
			if (required) problems.push({ field: `shippingAddress.${field}`, message: "is required" });
			return null;
		}
		if ([...v].length > LIMITS[field]) problems.push({ field: `shippingAddress.${field}`, message: `at most ${LIMITS[field]} characters` });
		return v;
	};
	const recipientName = text("recipientName", true);
	const region = text("region", true);
	const city = text("city", true);
	const area = text("area", true);
	const landmark = text("landmark", false);
	const notes = text("notes", false);
	const phone = normalisePhone(input.phone);
	if (!phone) problems.push({ field: "shippingAddress.phone", message: "an international number such as +255712345678" });
	if (problems.length) return { ok: false, problems };
	return { ok: true, address: { recipientName: recipientName!, phone: phone!, region: region!, city: city!, area: area!, landmark, notes } };
}
