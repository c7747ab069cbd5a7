/**
 * Which provider serves which payer (issue 7 §4: a provider is chosen by the
 * payer's method and country). M-Pesa here is Safaricom's Daraja (Kenya,
 * KES); Selcom and Tembo Plus collect in Tanzania (TZS). A phone must belong
 * to the provider's country, and the currency must be the one its rail
 * settles in. Phones are E.164 (+2547…, +2557…), normalised on input.
 */
import type { Currency } from "./money";

export const PROVIDERS = ["mpesa", "selcom", "tembo"] as const;
export type ProviderName = (typeof PROVIDERS)[number];

interface Market {
	country: "KE" | "TZ";
	dialCode: string;
	currency: Currency;
	/** National significant number of a mobile line. */
	mobile: RegExp;
}

const KE: Market = { country: "KE", dialCode: "254", currency: "KES", mobile: /^(7\d{8}|1[01]\d{7})$/ };
const TZ: Market = { country: "TZ", dialCode: "255", currency: "TZS", mobile: /^[67]\d{8}$/ };

export const MARKETS: Record<ProviderName, Market> = { mpesa: KE, selcom: TZ, tembo: TZ };

export function isProvider(value: unknown): value is ProviderName {
	return typeof value === "string" && (PROVIDERS as readonly string[]).includes(value);
}

/** "0712 345 678", "+254712345678", "254712345678" → "+254712345678" for the provider's country; null if not a mobile there. */
export function normalisePhone(input: string, provider: ProviderName): string | null {
	const market = MARKETS[provider];
	const compact = String(input ?? "").trim().replace(/[\s\-().]/g, "");
	if (!/^\+?\d{6,16}$/.test(compact)) return null;
	let digits = compact.replace(/^\+/, "").replace(/^00/, "");
	if (digits.startsWith(market.dialCode)) digits = digits.slice(market.dialCode.length);
	else if (compact.startsWith("+") || compact.startsWith("00")) return null;
	if (digits.startsWith("0")) digits = digits.slice(1);
	return market.mobile.test(digits) ? `+${market.dialCode}${digits}` : null;
}

/** Digits only, as Daraja, Selcom and Tembo take them ("2547…"). */
export function railMsisdn(e164: string): string {
	return e164.replace(/^\+/, "");
}

/** "+255712345678" → "+255•••••5678". */
export function maskPhone(e164: string): string {
	return `${e164.slice(0, 4)}${"•".repeat(Math.max(0, e164.length - 8))}${e164.slice(-4)}`;
}

/** Tanzanian operator by prefix (TemboPlus's own table, PROVIDERS.md §3.4). Portability can break it. */
export function tanzanianOperator(e164: string): "vodacom" | "airtel" | "tigo" | "halotel" | null {
	const p = e164.slice(4, 6);
	if (["74", "75", "76", "79"].includes(p)) return "vodacom";
	if (["78", "68", "69"].includes(p)) return "airtel";
	if (["71", "65", "67", "77"].includes(p)) return "tigo";
	if (["62", "61"].includes(p)) return "halotel";
	return null;
}
