/** In-app notifications reach the user's open WebSocket at once (best effort; the list stays the source of truth). */
import { expect } from "chai";
import { createUser } from "../../support/users";
import { getStack, type Stack } from "../../support/stack";
import { openSocket, wsUrl } from "../api/ws-client";
import { closeNotifDb, publish, recipientKnown, notificationsReady } from "./support";

describe("notifications: real time", function () {
	this.timeout(60_000);
	let stack: Stack;

	before(async () => {
		stack = await getStack();
		await notificationsReady(stack);
	});
	after(closeNotifDb);

	it("sends a notification frame to an open socket", async () => {
		const user = await createUser(stack, { language: "sw" });
		await recipientKnown(user.userId);
		const socket = await openSocket(wsUrl(stack.apiUrl, `/ws?token=${user.accessToken}`));
		try {
			await publish(stack, "auth.user.reinstated", { userId: user.userId, by: user.userId });
			const frame = await socket.next("notification", 10_000);
			expect(frame.data).to.have.keys("id", "type", "title", "body", "data", "readAt", "createdAt");
			expect(frame.data).to.include({ type: "security.account_reinstated", title: "Akaunti imerejeshwa", readAt: null });
		} finally {
			socket.close();
		}
	});
});
