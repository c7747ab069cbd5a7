/** The category tree from its flat rows: nesting, and a category with everything below it (a filter on "Fashion" includes "Shoes"). */
export interface CategoryRow {
	id: string;
	parent_id: string | null;
	slug: string;
	name: string;
	name_sw: string;
	position: number;
}

export interface CategoryNode {
	id: string;
	slug: string;
	name: string;
	nameSw: string;
	children: CategoryNode[];
}

export function buildTree(rows: readonly CategoryRow[]): CategoryNode[] {
	const nodes = new Map<string, CategoryNode & { position: number; parentId: string | null }>();
	for (const r of rows) nodes.set(r.id, { id: r.id, slug: r.slug, name: r.name, nameSw: r.name_sw, children: [], position: r.position, parentId: r.parent_id });
	const roots: Array<CategoryNode & { position: number }> = [];
	for (const n of nodes.values()) {
		const parent = n.parentId ? nodes.get(n.parentId) : undefined;
		if (parent) parent.children.push(n);
		else roots.push(n);
	}
	const strip = (list: Array<CategoryNode & { position?: number; parentId?: string | null }>): CategoryNode[] =>
		[...list]
			.sort((a, b) => (a.position ?? 0) - (b.position ?? 0) || a.slug.localeCompare(b.slug))
			.map(n => ({ id: n.id, slug: n.slug, name: n.name, nameSw: n.nameSw, children: strip(n.children) }));
	return strip(roots);
}

/** The category and all its descendants (ids); empty when the id is unknown. */
export function subtreeIds(rows: readonly CategoryRow[], id: string): string[] {
	const children = new Map<string, string[]>();
	for (const r of rows) if (r.parent_id) children.set(r.parent_id, [...(children.get(r.parent_id) ?? []), r.id]);
	if (!rows.some(r => r.id === id)) return [];
	const out: string[] = [];
	const stack = [id];
	while (stack.length) {
		const cur = stack.pop()!;
		out.push(cur);
		stack.push(...(children.get(cur) ?? []));
	}
	return out;
}
