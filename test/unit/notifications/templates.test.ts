import { expect } from "chai";
import { variablesOf, render } from "../../../services/notifications/rules/render";
import { TEMPLATES, type TemplateId } from "../../../services/notifications/templates";
import { LANGUAGES, type TemplateTexts } from "../../../services/notifications/templates/types";

const FIELDS: (keyof TemplateTexts)[] = ["title", "body", "sms", "emailSubject", "emailText", "emailHtml"];

describe("notification templates", () => {
	const ids = Object.keys(TEMPLATES) as TemplateId[];

	it("cover every notification the service sends", () => {
		expect(ids).to.include.members([
			"otp.verify",
			"otp.login",
			"otp.reset",
			"security.new_sign_in",
			"security.password_changed",
			"security.account_suspended",
			"security.account_reinstated"
		]);
	});

	for (const id of ids) {
		it(`${id}: has every text in English and Swahili with the same variables`, () => {
			for (const lang of LANGUAGES) {
				for (const field of FIELDS) expect(TEMPLATES[id][lang][field].trim().length, `${id}.${lang}.${field}`).to.be.greaterThan(0);
			}
			for (const field of FIELDS) {
				expect(variablesOf(TEMPLATES[id].sw[field]), `${id} ${field}`).to.deep.equal(variablesOf(TEMPLATES[id].en[field]));
			}
			// The Swahili text is a translation, not a copy.
			expect(TEMPLATES[id].sw.body).to.not.equal(TEMPLATES[id].en.body);
		});
	}

	it("keeps OTP and security SMS within one 160-character segment once filled in", () => {
		const params = { code: "123456", minutes: "10", device: "Samsung Galaxy A14", actor: "Asha", other: "Juma", others: "12", amount: "TZS 1,250,000.00", conversation: "Wauzaji wa Kariakoo" };
		for (const id of ids) for (const lang of LANGUAGES) expect(render(TEMPLATES[id], lang, params).sms.length, `${id} ${lang}`).to.be.at.most(160);
	});
});

describe("render", () => {
	it("fills variables in the recipient's language", () => {
		const out = render(TEMPLATES["otp.verify"], "sw", { code: "482913", minutes: "10" });
		expect(out.sms).to.equal("Nexgate: nambari yako ya uthibitisho ni 482913. Itaisha baada ya dakika 10. Usimpe mtu yeyote.");
		expect(out.email.subject).to.equal("Nambari yako ya uthibitisho ya Nexgate");
		expect(out.email.text).to.contain("482913");
		expect(out.email.html).to.match(/^<!doctype html><html lang="sw">/).and.contain("482913");
	});

	it("escapes values inside HTML but not in plain text", () => {
		const out = render(TEMPLATES["security.new_sign_in"], "en", { device: `<script>alert("x")</script>` });
		expect(out.email.html).to.contain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;").and.not.contain("<script>");
		expect(out.email.text).to.contain(`<script>alert("x")</script>`);
	});

	it("refuses to send a text with a variable left unfilled", () => {
		expect(() => render(TEMPLATES["otp.login"], "en", { code: "1" })).to.throw(/\{\{minutes\}\}/);
	});
});
