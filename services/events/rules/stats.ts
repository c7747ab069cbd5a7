/**
 * Organizer stats from raw rows: sales per ticket type and day (the day in
 * the event's own time zone), revenue, check-ins per hour, no-shows. Pure:
 * store/stats.ts reads the rows, this shapes them.
 */
export interface SaleRow {
	ticketTypeId: string;
	quantity: number;
	amount: number;
	at: Date;
}

export interface StatsInput {
	timezone: string;
	currency: string | null;
	types: ReadonlyArray<{ id: string; name: string; capacity: number; sold: number; held: number; price: number }>;
	sales: readonly SaleRow[];
	refunded: number;
	checkins: readonly Date[];
	ticketsIssued: number;
	ticketsCheckedIn: number;
	eventOver: boolean;
}

/** YYYY-MM-DD of an instant in a zone. */
export function localDay(at: Date, timezone: string): string {
	const parts = new Intl.DateTimeFormat("en-CA", { timeZone: timezone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(at);
	const get = (t: string) => parts.find(p => p.type === t)?.value ?? "00";
	return `${get("year")}-${get("month")}-${get("day")}`;
}

/** The hour an instant falls in, as an ISO string in UTC (clients render it in the event's zone). */
export function hourBucket(at: Date): string {
	const d = new Date(at.getTime());
	d.setUTCMinutes(0, 0, 0);
	return d.toISOString();
}

export function buildStats(input: StatsInput) {
	const byType = new Map(input.types.map(t => [t.id, { ticketTypeId: t.id, name: t.name, capacity: t.capacity, sold: t.sold, held: t.held, revenue: 0, byDay: new Map<string, { quantity: number; amount: number }>() }]));
	let gross = 0;
	for (const s of input.sales) {
		const row = byType.get(s.ticketTypeId);
		if (!row) continue;
		row.revenue += s.amount;
		gross += s.amount;
		const day = localDay(s.at, input.timezone);
		const cell = row.byDay.get(day) ?? { quantity: 0, amount: 0 };
		cell.quantity += s.quantity;
		cell.amount += s.amount;
		row.byDay.set(day, cell);
	}
	const perHour = new Map<string, number>();
	for (const at of input.checkins) perHour.set(hourBucket(at), (perHour.get(hourBucket(at)) ?? 0) + 1);
	return {
		currency: input.currency,
		revenue: { gross, refunded: input.refunded, net: gross - input.refunded },
		ticketTypes: [...byType.values()].map(t => ({
			ticketTypeId: t.ticketTypeId,
			name: t.name,
			capacity: t.capacity,
			sold: t.sold,
			held: t.held,
			revenue: t.revenue,
			byDay: [...t.byDay].sort(([a], [b]) => a.localeCompare(b)).map(([day, v]) => ({ day, ...v }))
		})),
		checkins: {
			total: input.ticketsCheckedIn,
			byHour: [...perHour].sort(([a], [b]) => a.localeCompare(b)).map(([hour, count]) => ({ hour, count }))
		},
		tickets: { issued: input.ticketsIssued, checkedIn: input.ticketsCheckedIn },
		// Only meaningful once the doors closed: before that, everyone not scanned may still come.
		noShows: input.eventOver ? Math.max(0, input.ticketsIssued - input.ticketsCheckedIn) : null
	};
}
