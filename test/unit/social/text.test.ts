import { expect } from "chai";
import { codePoints, extractHashtags, extractMentions, normaliseTag, MENTIONS_MAX, TAGS_MAX } from "../../../services/social/rules/text";

describe("social rules: text", () => {
	it("extracts tags case-insensitively with Unicode letters, in order, once each", () => {
		expect(extractHashtags("Habari #Sokoni na #SOKONI, #Élan #Kiswahili_Bora #2024 bei#ghali")).to.deep.equal(["sokoni", "élan", "kiswahili_bora"]);
		expect(extractHashtags("#日本語 #ḾḾ")).to.deep.equal(["日本語", "ḿḿ"]);
	});

	it("folds compatibility forms and composed accents into one tag", () => {
		expect(normaliseTag("#ＳＯＫＯ")).to.equal("soko");
		expect(normaliseTag("e\u0301te")).to.equal(normaliseTag("éte"));
		expect(extractHashtags("#e\u0301te #éte")).to.have.length(1);
	});

	it("refuses what is not a tag", () => {
		expect(normaliseTag("#2024")).to.equal(null);
		expect(normaliseTag("##")).to.equal(null);
		expect(normaliseTag("a-b")).to.equal(null);
		expect(normaliseTag("x".repeat(65))).to.equal(null);
		expect(extractHashtags("mail me: a#b or url.com/#frag")).to.deep.equal([]);
	});

	it("extracts mentions as lowercase usernames, not e-mail addresses", () => {
		expect(extractMentions("@Asha_M na @juma! @asha_m again, mail x@example.com, @ab too short")).to.deep.equal(["asha_m", "juma"]);
	});

	it("caps mentions and tags per post", () => {
		const many = Array.from({ length: 20 }, (_, i) => `@user_${i} #tag${i}a`).join(" ");
		expect(extractMentions(many)).to.have.length(MENTIONS_MAX);
		expect(extractHashtags(many)).to.have.length(TAGS_MAX);
	});

	it("counts code points, not UTF-16 units", () => {
		expect(codePoints("🌍🌍")).to.equal(2);
		expect("🌍🌍".length).to.equal(4);
	});
});
