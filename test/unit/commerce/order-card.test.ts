import { expect } from "chai";
import { pluralTitle } from "../../../services/commerce/rules/order-card";

describe("commerce rules: order card title", () => {
	it("names the first line and counts the others", () => {
		expect(pluralTitle([])).to.equal("");
		expect(pluralTitle(["Kitenge dress"])).to.equal("Kitenge dress");
		expect(pluralTitle(["Kitenge dress", "Kanga", "Kikoi"])).to.equal("Kitenge dress and 2 more");
	});
});
