/**
 * The one catalogue of durable events between domains.
 *
 * Each entry names who consumes the event (consumer groups, one per service)
 * so the publisher can declare their durable queues before the first publish:
 * an event raised while its consumer's node has never been up still waits for
 * it. Domains add their events here as they land (each issue extends it);
 * `EventDataMap` gives the payload type per event name.
 */
export interface EventDefinition {
	/** What happened, in a sentence; surfaces in docs/events.md. */
	description: string;
	/** Consumer groups (service names) that must receive every occurrence. */
	consumers: readonly string[];
}

export type Language = "en" | "sw";
export type OtpPurpose = "verify" | "login" | "reset";
export type ContactChannel = "sms" | "email";

/** Payment purposes: the order (commerce) or booking (events) a payment is for. */
export interface PaymentPurpose {
	type: "order" | "booking";
	id: string;
}
/** A share of a payment for one purpose's escrow (a checkout across shops pays several orders at once). */
export interface PaymentAllocation {
	purpose: PaymentPurpose;
	payeeId: string | null;
	amount: number;
}
export interface PaymentIntentEvent {
	intentId: string;
	payerId: string;
	payeeId: string | null;
	purpose: PaymentPurpose;
	/** Always at least one; `purpose` is the first one's. */
	allocations: PaymentAllocation[];
	amount: number;
	currency: string;
	provider: string;
	providerReference: string | null;
}
/** An order of one shop (commerce); `number` is the human-readable order number, amounts in minor units. */
export interface CommerceOrderEvent {
	orderId: string;
	number: string;
	buyerId: string;
	sellerId: string;
	shopId: string;
	total: number;
	currency: string;
}
export interface PaymentPayoutEvent {
	payoutId: string;
	userId: string;
	amount: number;
	currency: string;
	provider: string;
	reason: "withdrawal" | "refund";
}

/** Payload type per event name. Test fixtures extend it by declaration merging. */
export interface EventDataMap {
	"auth.user.registered": { userId: string; username: string; displayName: string; phone: string | null; email: string | null; language: Language };
	"auth.user.verified": { userId: string; channel: ContactChannel };
	/**
	 * A one-time code to deliver. The code travels in clear only inside the platform's own
	 * durable queue to `notifications` (which must never log it); the outbox row is purged
	 * once published.
	 */
	"auth.otp.requested": {
		otpId: string;
		userId: string | null;
		channel: ContactChannel;
		destination: string;
		code: string;
		purpose: OtpPurpose;
		expiresAt: string;
		language: Language;
	};
	"auth.session.created": {
		userId: string;
		sessionId: string;
		deviceId: string;
		deviceName: string | null;
		platform: string | null;
		ip: string | null;
		userAgent: string | null;
		newDevice: boolean;
	};
	"auth.password.changed": { userId: string; via: "change" | "reset" };
	"auth.user.suspended": { userId: string; reason: string | null; by: string };
	"auth.user.reinstated": { userId: string; by: string };
	"auth.user.deleted": { userId: string };
	// payments (docs/payments.md). Amounts are integer minor units of `currency`.
	"payments.intent.succeeded": Omit<PaymentIntentEvent, "allocations"> & {
		/** `credited` per allocation: "wallet" when that purpose's escrow had already closed. */
		allocations: (PaymentAllocation & { credited: "escrow" | "wallet" })[];
		receipt: string | null;
		credited: "escrow" | "wallet";
	};
	"payments.intent.failed": PaymentIntentEvent & { status: "failed" | "cancelled"; code: string; reason: string | null };
	"payments.intent.expired": PaymentIntentEvent;
	"payments.escrow.released": {
		escrowId: string;
		purpose: PaymentPurpose;
		payerId: string;
		payeeId: string;
		currency: string;
		/** What left escrow: commission + net. */
		gross: number;
		commission: number;
		net: number;
		by: "buyer" | "auto" | "admin";
	};
	"payments.escrow.refunded": {
		escrowId: string;
		purpose: PaymentPurpose;
		payerId: string;
		currency: string;
		amount: number;
		/** Still held after this refund. */
		remaining: number;
		to: "provider" | "wallet";
		/** The payout carrying the money to the payer's phone when `to` is "provider". */
		payoutId: string | null;
		by: "domain" | "admin";
	};
	"payments.payout.paid": PaymentPayoutEvent & { receipt: string | null };
	"payments.payout.failed": PaymentPayoutEvent & { code: string; message: string | null };

	// users: the social graph and profiles (docs/users.md). `via: "request"` = a follow request was accepted.
	"users.follow.created": { followerId: string; followeeId: string; follower: UserRef; via: "direct" | "request" };
	"users.follow.removed": { followerId: string; followeeId: string; reason: "unfollow" | "block" };
	"users.follow.requested": { requesterId: string; targetId: string; requester: UserRef };
	"users.follow.accepted": { requesterId: string; targetId: string; target: UserRef };
	"users.block.created": { blockerId: string; blockedId: string };
	/** `changed` names the fields that changed (API names: displayName, bio, avatar, location, website, language, isPrivate). */
	"users.profile.updated": {
		userId: string;
		username: string;
		displayName: string;
		avatarFileId: string | null;
		language: Language;
		isPrivate: boolean;
		changed: string[];
	};

	// Factors of the users trust score and post counts, raised by domains that land later: emit exactly these.
	"commerce.order.completed": { orderId: string; buyerId: string; sellerId: string };
	"commerce.order.refunded": { orderId: string; buyerId: string; sellerId: string };
	"commerce.dispute.resolved": { disputeId: string; orderId: string; buyerId: string; sellerId: string; loserId: string | null };
	/** rating: whole stars 1–5. */
	"commerce.review.created": { reviewId: string; productId: string; sellerId: string; authorId: string; rating: number };
	// commerce orders (docs/commerce.md "Orders"): the other transitions, for buyer and seller notifications.
	"commerce.order.paid": CommerceOrderEvent;
	"commerce.order.shipped": CommerceOrderEvent & { carrier: string | null; trackingRef: string | null };
	/** `by: "system"`: shipped long ago and never confirmed; the escrow releases itself after payments' window. */
	"commerce.order.delivered": CommerceOrderEvent & { by: "buyer" | "system" };
	"commerce.order.cancelled": CommerceOrderEvent & { reason: "payment_failed" | "payment_expired" | "buyer_cancelled" | "seller_cancelled" };
	"commerce.order.disputed": CommerceOrderEvent & { disputeId: string; reason: string };
	/** rating: whole stars 1–5. */
	"events.rating.created": { ratingId: string; eventId: string; organizerId: string; authorId: string; rating: number };
	// events bookings (docs/events.md "Bookings"). Amounts in minor units of `currency`.
	"events.booking.confirmed": { bookingId: string; eventId: string; eventTitle: string; buyerId: string; organizerId: string; quantity: number; total: number; currency: string };
	/** A pending booking gave its seats back; reason: payment_failed | payment_expired | payment_refused | hold_expired. */
	"events.booking.released": { bookingId: string; eventId: string; eventTitle: string; buyerId: string; reason: string };
	/** `by`: who cancelled; `refundAmount` is what will be refunded (0: nothing was paid, or the policy gives nothing back). */
	"events.booking.cancelled": { bookingId: string; eventId: string; eventTitle: string; buyerId: string; by: "attendee" | "organizer"; refundAmount: number; currency: string; reason: string | null };
	"events.booking.refunded": { bookingId: string; eventId: string; eventTitle: string; buyerId: string; amount: number; currency: string };
	"events.ticket.transferred": { ticketId: string; eventId: string; eventTitle: string; fromUserId: string; toUserId: string };
	/** One per ticket holder of a published event whose time or place moved. */
	"events.event.changed": { eventId: string; eventTitle: string; holderId: string; changes: Array<"time" | "place"> };
	"social.report.upheld": { reportId: string; targetUserId: string };
	"social.post.created": { postId: string; authorId: string; visibility: "public" | "followers" | "private" };
	"social.post.deleted": { postId: string; authorId: string };

	// social (docs/social.md): activity that reaches people, and the posts other domains ask for.
	"social.post.liked": { postId: string; authorId: string; likerId: string; liker: UserRef };
	/** `parentId`/`parentAuthorId`: the comment replied to, null for a top-level comment. */
	"social.comment.created": { commentId: string; postId: string; postAuthorId: string; authorId: string; author: UserRef; parentId: string | null; parentAuthorId: string | null };
	"social.comment.replied": { commentId: string; postId: string; postAuthorId: string; authorId: string; author: UserRef; parentId: string; parentAuthorId: string };
	/** Users mentioned by a new post or newly mentioned by an edit (only those who can see the post). */
	"social.mention.created": { postId: string; authorId: string; author: UserRef; mentionedIds: string[] };
	"social.post.reposted": { postId: string; authorId: string; reposterId: string; reposter: UserRef; repostedAt: string };
	/** `postId` is the new quote post, `quotedPostId` the post it quotes. */
	"social.post.quoted": { postId: string; quotedPostId: string; quotedAuthorId: string; authorId: string; author: UserRef };
	/** Raised by commerce when a product becomes active; `postToFeed` asks social for the seller's post embedding it. */
	"commerce.product.published": { productId: string; shopId: string; sellerId: string; postToFeed: boolean; title: string };
	// commerce shops and seller verification (docs/commerce.md "Verification"). `reviewerIds`: the administrators to tell.
	"commerce.shop.verification_submitted": { shopId: string; ownerId: string; shopName: string; verificationId: string; reviewerIds: string[] };
	"commerce.shop.approved": { shopId: string; ownerId: string; shopName: string };
	"commerce.shop.rejected": { shopId: string; ownerId: string; shopName: string; reason: string };
	"commerce.shop.suspended": { shopId: string; ownerId: string; shopName: string; reason: string };
	"commerce.shop.reinstated": { shopId: string; ownerId: string; shopName: string; status: "active" | "pending_verification" };
	/** Raised by events when an event is published; `postToFeed` asks social for the organizer's post embedding it. */
	"events.event.published": { eventId: string; organizerId: string; postToFeed: boolean; title: string };

	// files (docs/files.md). `ref` is what holds the file (`<domain>:…`), null while nothing does.
	/** Processing finished: images at upload, videos when their job is done. */
	"files.file.ready": { fileId: string; ownerId: string; purpose: string; kind: FileKindName; ref: string | null };
	/** Processing gave up; `reason`: video_too_long, video_too_large, no_video_stream, corrupt_video, processing_failed. */
	"files.file.failed": { fileId: string; ownerId: string; purpose: string; kind: FileKindName; ref: string | null; reason: string };

	// messages (docs/messages.md). `recipientIds`: members to notify (not the sender, not muted, starting an unread streak).
	/** A message was sent; carries no text (message content never leaves the messages schema). */
	"messages.message.sent": {
		messageId: string;
		conversationId: string;
		seq: number;
		senderId: string;
		sender: UserRef;
		kind: "direct" | "group";
		title: string | null;
		recipientIds: string[];
	};
}

export type FileKindName = "image" | "video" | "document" | "audio";

/** Who did something, as notifications show it (they keep no copy of profiles). */
export interface UserRef {
	username: string;
	displayName: string;
}

export type EventType = keyof EventDataMap & string;
export type EventData<T extends EventType> = EventDataMap[T];

/**
 * Every domain event, by name. Entries land with their domain's issue; the
 * payload types go in EventDataMap above, next to each other.
 */
const EVENTS: Record<string, EventDefinition> = {
	"auth.user.registered": { description: "An account was created (not yet verified).", consumers: ["notifications", "users"] },
	"auth.user.verified": { description: "The account proved it owns its phone or email.", consumers: ["notifications", "users"] },
	"auth.otp.requested": { description: "A one-time code must reach a phone or mailbox now (urgent).", consumers: ["notifications"] },
	"auth.session.created": { description: "A sign-in created a session; `newDevice` when the device was never seen.", consumers: ["notifications"] },
	"auth.password.changed": { description: "The password was changed or reset; other sessions were revoked.", consumers: ["notifications"] },
	"auth.user.suspended": { description: "An admin suspended the account; its sessions were revoked.", consumers: ["notifications"] },
	"auth.user.reinstated": { description: "An admin lifted a suspension.", consumers: ["notifications"] },
	"auth.user.deleted": { description: "The user deleted the account; personal data is anonymised.", consumers: ["notifications", "users"] },

	"users.follow.created": { description: "Someone now follows a user (directly, or their request was accepted).", consumers: ["notifications", "social"] },
	"users.follow.removed": { description: "A follow ended (unfollow, or a block removed it).", consumers: ["social"] },
	"users.follow.requested": { description: "Someone asked to follow a private account.", consumers: ["notifications"] },
	"users.follow.accepted": { description: "A private account accepted a follow request.", consumers: ["notifications"] },
	"users.block.created": { description: "A user blocked another; follows both ways were removed.", consumers: [] },
	"users.profile.updated": { description: "A profile changed (name, avatar, language, privacy…); notifications takes the language.", consumers: ["notifications"] },

	"commerce.order.completed": { description: "An order was completed (delivered and confirmed).", consumers: ["users", "notifications"] },
	"commerce.order.refunded": { description: "An order was refunded to the buyer.", consumers: ["users", "notifications"] },
	"commerce.dispute.resolved": { description: "A dispute was decided; `loserId` is the party it went against (null: no fault).", consumers: ["users", "notifications"] },
	"commerce.review.created": { description: "A buyer reviewed a product (rates its seller).", consumers: ["users", "notifications"] },
	"commerce.order.paid": { description: "An order's payment was confirmed; the seller can ship.", consumers: ["notifications"] },
	"commerce.order.shipped": { description: "The seller shipped an order.", consumers: ["notifications"] },
	"commerce.order.delivered": { description: "An order was delivered (buyer confirmed, or shipped long ago and never confirmed).", consumers: ["notifications"] },
	"commerce.order.cancelled": { description: "An order was cancelled (payment failed or expired, or a party cancelled before shipping); its stock is back.", consumers: ["notifications"] },
	"commerce.order.disputed": { description: "The buyer opened a dispute; the order's escrow is frozen until an admin decides.", consumers: ["notifications"] },
	"events.rating.created": { description: "An attendee rated an event's organizer.", consumers: ["users"] },
	"events.booking.confirmed": { description: "A booking was paid (or was free) and its tickets issued.", consumers: ["notifications"] },
	"events.booking.released": { description: "A booking waiting for its payment gave its seats back (failed, expired, refused).", consumers: ["notifications"] },
	"events.booking.cancelled": { description: "A booking was cancelled by its attendee or by the event's cancellation; its tickets are revoked.", consumers: ["notifications"] },
	"events.booking.refunded": { description: "A cancelled booking's money went back to the attendee through payments.", consumers: ["notifications"] },
	"events.ticket.transferred": { description: "A ticket holder gave a ticket to another user (a new code for them, the old one revoked).", consumers: ["notifications"] },
	"events.event.changed": { description: "A published event's time or place moved: one per ticket holder, to tell them.", consumers: ["notifications"] },
	"social.report.upheld": { description: "Moderators upheld a report against a user.", consumers: ["users"] },
	"social.post.created": { description: "A user published a post (social fans it out to followers' feeds).", consumers: ["users", "social"] },
	"social.post.deleted": { description: "A post was deleted (social removes it from cached feeds).", consumers: ["users", "social"] },
	"social.post.liked": { description: "Someone liked a post.", consumers: ["notifications"] },
	"social.comment.created": { description: "Someone commented on a post (or replied to a comment on it).", consumers: ["notifications"] },
	"social.comment.replied": { description: "Someone replied to a comment.", consumers: ["notifications"] },
	"social.mention.created": { description: "A post mentions users who can see it.", consumers: ["notifications"] },
	"social.post.reposted": { description: "Someone reposted a post (social fans the repost out to their followers).", consumers: ["notifications", "social"] },
	"social.post.quoted": { description: "Someone quoted a post in a new post.", consumers: ["notifications"] },
	"commerce.product.published": { description: "A product became active; with postToFeed, social posts it for the seller.", consumers: ["social"] },
	"commerce.shop.verification_submitted": { description: "A seller submitted verification documents; the reviewers are told.", consumers: ["notifications"] },
	"commerce.shop.approved": { description: "An administrator verified a shop: it is active and may publish products.", consumers: ["notifications"] },
	"commerce.shop.rejected": { description: "An administrator rejected a shop's verification, with the reason.", consumers: ["notifications"] },
	"commerce.shop.suspended": { description: "An administrator suspended a shop: its products leave the catalog.", consumers: ["notifications"] },
	"commerce.shop.reinstated": { description: "An administrator lifted a shop's suspension.", consumers: ["notifications"] },
	"events.event.published": { description: "An event was published; with postToFeed, social posts it for the organizer.", consumers: ["social"] },

	// payments (docs/payments.md): the outcome of collections, escrows and payouts.
	"payments.intent.succeeded": { description: "A collection was confirmed; its allocations' escrows hold the money (or the payer's wallet, when closed).", consumers: ["notifications", "commerce", "events"] },
	"payments.intent.failed": { description: "A collection failed, was cancelled by the payer, or did not match and is held for review.", consumers: ["notifications", "commerce", "events"] },
	"payments.intent.expired": { description: "A collection had no final answer by the end of its lifetime.", consumers: ["notifications", "commerce", "events"] },
	// A consumer listed here gets a durable queue even while it is down: list only services that subscribe.
	"payments.escrow.released": { description: "An escrow was paid out to its payee (minus commission); commerce completes an order auto-released this way.", consumers: ["commerce"] },
	"payments.escrow.refunded": { description: "Money went back from an escrow to its payer (wallet or provider).", consumers: [] },
	"payments.payout.paid": { description: "A withdrawal reached the user's mobile money.", consumers: ["notifications"] },
	"payments.payout.failed": { description: "A withdrawal failed; the money is back in the wallet.", consumers: ["notifications"] },

	// For the domains that wait on media (a post or product whose video is still processing); none subscribes yet.
	"files.file.ready": { description: "A file finished processing: variants, poster and duration are available.", consumers: [] },
	"files.file.failed": { description: "A file could not be processed; it stays failed with its reason.", consumers: [] },

	"messages.message.sent": { description: "A message was sent; `recipientIds` are the members to notify while offline.", consumers: ["notifications"] }
};

const catalogue = new Map<string, EventDefinition>(Object.entries(EVENTS));

/** Adds an event outside the catalogue literal: test fixtures only. */
export function declareEvent(type: string, def: EventDefinition): void {
	const existing = catalogue.get(type);
	if (existing && JSON.stringify(existing) !== JSON.stringify(def))
		throw new Error(`event ${type} is declared twice with different definitions`);
	catalogue.set(type, def);
}

export function eventDefinition(type: string): EventDefinition | undefined {
	return catalogue.get(type);
}

export function allEvents(): ReadonlyMap<string, EventDefinition> {
	return catalogue;
}
