/**
 * Failures a test asks a simulator for: "the next N sends to this number fail
 * this way". Keyed by destination so concurrent tests never trip each other.
 */
export type FailureMode = "http" | "status";

interface Rule {
	provider: string | null;
	destination: string | null;
	mode: FailureMode;
	remaining: number;
}

export class FailureRules {
	private rules: Rule[] = [];

	add(rule: { provider?: string; destination?: string; mode?: FailureMode; count: number }): void {
		this.rules.push({ provider: rule.provider ?? null, destination: rule.destination ?? null, mode: rule.mode ?? "http", remaining: rule.count });
	}

	/** True (and one failure used up) when a rule matches this send. */
	take(provider: string, destination: string | undefined, mode: FailureMode): boolean {
		const rule = this.rules.find(
			r => r.remaining > 0 && r.mode === mode && (r.provider === null || r.provider === provider) && (r.destination === null || r.destination === destination)
		);
		if (!rule) return false;
		rule.remaining -= 1;
		this.rules = this.rules.filter(r => r.remaining > 0);
		return true;
	}
}
