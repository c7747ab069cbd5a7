/**
 * Orders, disputes and reviews (commerce.order.*, commerce.dispute.resolved,
 * commerce.review.created). The only variable is {{amount}} (with its
 * currency) on a paid order: the notification's data (orderId, reason) opens
 * the order in the app, which shows its number, and the texts stay within one
 * SMS segment.
 */
import type { Template, TemplateTexts } from "./types";

function texts(title: string, body: string, greeting: string): TemplateTexts {
	return { title, body, sms: `Nexgate: ${body}`, emailSubject: title, emailText: `${greeting}\n\n${body}\n\nNexgate`, emailHtml: `<p>${greeting}</p><p>${body}</p>` };
}

export const commerceOrdersTemplates: Record<
	| "commerce.order_paid"
	| "commerce.order_shipped"
	| "commerce.order_delivered"
	| "commerce.order_completed"
	| "commerce.order_cancelled"
	| "commerce.order_refunded"
	| "commerce.order_disputed"
	| "commerce.dispute_resolved"
	| "commerce.review_created",
	Template
> = {
	"commerce.order_paid": {
		en: texts("New paid order", "A new order of {{amount}} is paid. Please ship it.", "Hello,"),
		sw: texts("Oda mpya imelipwa", "Oda mpya ya {{amount}} imelipwa. Tafadhali isafirishe.", "Habari,")
	},
	"commerce.order_shipped": {
		en: texts("Your order is on its way", "Your order has been shipped. Confirm delivery in the app when it arrives.", "Hello,"),
		sw: texts("Oda yako iko njiani", "Oda yako imesafirishwa. Thibitisha kupokea kwenye programu ikifika.", "Habari,")
	},
	"commerce.order_delivered": {
		en: texts("Order marked delivered", "An order is marked delivered. The seller is paid soon unless a dispute is opened.", "Hello,"),
		sw: texts("Oda imewekwa kuwa imefika", "Oda imewekwa kuwa imefika. Muuzaji atalipwa hivi karibuni isipokuwa malalamiko yafunguliwe.", "Habari,")
	},
	"commerce.order_completed": {
		en: texts("Order completed", "An order is complete and its payment is in your Nexgate wallet.", "Hello,"),
		sw: texts("Oda imekamilika", "Oda imekamilika na malipo yake yako kwenye pochi yako ya Nexgate.", "Habari,")
	},
	"commerce.order_cancelled": {
		en: texts("Order cancelled", "An order was cancelled. Open it in the app to see why; if it was not paid, its items are back in the cart.", "Hello,"),
		sw: texts("Oda imeghairiwa", "Oda imeghairiwa. Ifungue kwenye programu uone sababu; kama haikulipwa, bidhaa zimerudi kwenye kikapu.", "Habari,")
	},
	"commerce.order_refunded": {
		en: texts("Order refunded", "Your order was refunded. The money is on its way back to you.", "Hello,"),
		sw: texts("Oda imerudishiwa pesa", "Oda yako imerudishiwa pesa. Pesa iko njiani kurudi kwako.", "Habari,")
	},
	"commerce.order_disputed": {
		en: texts("Order disputed", "A buyer opened a dispute on an order. Its payment is held until our team decides.", "Hello,"),
		sw: texts("Malalamiko kuhusu oda", "Mnunuzi amefungua malalamiko kuhusu oda. Malipo yanashikiliwa hadi timu yetu iamue.", "Habari,")
	},
	"commerce.dispute_resolved": {
		en: texts("Dispute decided", "Our team decided a dispute on one of your orders. Open it in the app to see the outcome.", "Hello,"),
		sw: texts("Malalamiko yameamuliwa", "Timu yetu imeamua malalamiko kuhusu oda yako. Ifungue kwenye programu uone matokeo.", "Habari,")
	},
	"commerce.review_created": {
		en: texts("New review", "A buyer reviewed your product. Open it in the app to read and reply.", "Hello,"),
		sw: texts("Tathmini mpya", "Mnunuzi ameitathmini bidhaa yako. Ifungue kwenye programu usome na ujibu.", "Habari,")
	}
};
