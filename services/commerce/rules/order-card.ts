/** How an order names itself on a card: its first line, and how many other lines follow. */
export function pluralTitle(titles: readonly string[]): string {
	if (titles.length === 0) return "";
	if (titles.length === 1) return titles[0];
	return `${titles[0]} and ${titles.length - 1} more`;
}
