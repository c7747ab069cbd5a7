import { expect } from "chai";
import { newId } from "../../../lib/ids";
import "../../../services/notifications/mappings/users";
import { eventMapping } from "../../../services/notifications/mappings/registry";
import { render } from "../../../services/notifications/rules/render";
import { template, type TemplateId } from "../../../services/notifications/templates";

describe("users → notifications mappings", () => {
	const asha = { username: "asha_m", displayName: "Asha Mwinyi" };
	const [a, b] = [newId(), newId()];

	it("a direct follow tells the followed user, grouped per followee with the follower as actor", () => {
		const m = eventMapping("users.follow.created")!;
		const data = { followerId: a, followeeId: b, follower: asha, via: "direct" as const };
		expect(m.recipients(data)).to.deep.equal([b]);
		expect(m.group!.key(data)).to.equal(`new_follower:${b}`);
		expect(m.group!.actor(data)).to.deep.equal({ id: a, name: "Asha Mwinyi" });
		expect(m.data!(data)).to.deep.equal({ userId: a });
	});

	it("a follow made by accepting a request tells nobody (the requester hears through users.follow.accepted)", () => {
		const m = eventMapping("users.follow.created")!;
		expect(m.recipients({ followerId: a, followeeId: b, follower: asha, via: "request" })).to.deep.equal([]);
	});

	it("requests go to the private account, acceptances to the requester, named in their language", () => {
		const requested = eventMapping("users.follow.requested")!;
		const rd = { requesterId: a, targetId: b, requester: asha };
		expect(requested.recipients(rd)).to.deep.equal([b]);
		expect(render(template(requested.template as TemplateId), "sw", requested.params!(rd, "sw")).body).to.equal("Asha Mwinyi ameomba kukufuata");
		const accepted = eventMapping("users.follow.accepted")!;
		const ad = { requesterId: a, targetId: b, target: asha };
		expect(accepted.recipients(ad)).to.deep.equal([a]);
		expect(render(template(accepted.template as TemplateId), "en", accepted.params!(ad, "en")).body).to.equal("Asha Mwinyi accepted your follow request");
	});

	it("every users template fits one SMS segment with a long name", () => {
		const params = { actor: "Asha Mwinyi-Juma wa Kilimanjaro", other: "Baraka Mwanza", others: "1234" };
		for (const id of ["social.new_follower", "social.new_follower.two", "social.new_follower.many", "social.follow_request", "social.follow_request_accepted"] as TemplateId[])
			for (const lang of ["en", "sw"] as const) expect(render(template(id), lang, params).sms.length, `${id} ${lang}`).to.be.at.most(160);
	});
});
