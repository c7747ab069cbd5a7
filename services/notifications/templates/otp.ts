/** One-time codes (auth.otp.requested). Variables: {{code}}, {{minutes}}. */
import type { Template } from "./types";

const html = (lead: string, note: string, expires: string) =>
	`<p>${lead}</p><p style="font-size:28px;font-weight:bold;letter-spacing:4px">{{code}}</p><p>${expires}</p><p>${note}</p>`;

export const otpTemplates: Record<"otp.verify" | "otp.login" | "otp.reset", Template> = {
	"otp.verify": {
		en: {
			title: "Verification code",
			body: "Your verification code is {{code}}. It expires in {{minutes}} minutes.",
			sms: "Nexgate: your verification code is {{code}}. It expires in {{minutes}} minutes. Do not share it with anyone.",
			emailSubject: "Your Nexgate verification code",
			emailText:
				"Hello,\n\nYour Nexgate verification code is {{code}}.\nIt expires in {{minutes}} minutes.\n\n" +
				"If you did not create a Nexgate account, ignore this email. Never share this code with anyone, Nexgate staff included.",
			emailHtml: html(
				"Your Nexgate verification code is",
				"If you did not create a Nexgate account, ignore this email. Never share this code with anyone, Nexgate staff included.",
				"It expires in {{minutes}} minutes."
			)
		},
		sw: {
			title: "Nambari ya uthibitisho",
			body: "Nambari yako ya uthibitisho ni {{code}}. Itaisha baada ya dakika {{minutes}}.",
			sms: "Nexgate: nambari yako ya uthibitisho ni {{code}}. Itaisha baada ya dakika {{minutes}}. Usimpe mtu yeyote.",
			emailSubject: "Nambari yako ya uthibitisho ya Nexgate",
			emailText:
				"Habari,\n\nNambari yako ya uthibitisho ya Nexgate ni {{code}}.\nItaisha baada ya dakika {{minutes}}.\n\n" +
				"Kama hukufungua akaunti ya Nexgate, puuza barua pepe hii. Usimpe mtu yeyote nambari hii, hata wafanyakazi wa Nexgate.",
			emailHtml: html(
				"Nambari yako ya uthibitisho ya Nexgate ni",
				"Kama hukufungua akaunti ya Nexgate, puuza barua pepe hii. Usimpe mtu yeyote nambari hii, hata wafanyakazi wa Nexgate.",
				"Itaisha baada ya dakika {{minutes}}."
			)
		}
	},
	"otp.login": {
		en: {
			title: "Sign-in code",
			body: "Your sign-in code is {{code}}. It expires in {{minutes}} minutes.",
			sms: "Nexgate: your sign-in code is {{code}}. It expires in {{minutes}} minutes. Do not share it with anyone.",
			emailSubject: "Your Nexgate sign-in code",
			emailText:
				"Hello,\n\nYour Nexgate sign-in code is {{code}}.\nIt expires in {{minutes}} minutes.\n\n" +
				"If you did not try to sign in, someone may know your password: change it now. Never share this code with anyone.",
			emailHtml: html(
				"Your Nexgate sign-in code is",
				"If you did not try to sign in, someone may know your password: change it now. Never share this code with anyone.",
				"It expires in {{minutes}} minutes."
			)
		},
		sw: {
			title: "Nambari ya kuingia",
			body: "Nambari yako ya kuingia ni {{code}}. Itaisha baada ya dakika {{minutes}}.",
			sms: "Nexgate: nambari yako ya kuingia ni {{code}}. Itaisha baada ya dakika {{minutes}}. Usimpe mtu yeyote.",
			emailSubject: "Nambari yako ya kuingia Nexgate",
			emailText:
				"Habari,\n\nNambari yako ya kuingia Nexgate ni {{code}}.\nItaisha baada ya dakika {{minutes}}.\n\n" +
				"Kama hukujaribu kuingia, huenda mtu anajua nenosiri lako: libadilishe sasa. Usimpe mtu yeyote nambari hii.",
			emailHtml: html(
				"Nambari yako ya kuingia Nexgate ni",
				"Kama hukujaribu kuingia, huenda mtu anajua nenosiri lako: libadilishe sasa. Usimpe mtu yeyote nambari hii.",
				"Itaisha baada ya dakika {{minutes}}."
			)
		}
	},
	"otp.reset": {
		en: {
			title: "Password reset code",
			body: "Your password reset code is {{code}}. It expires in {{minutes}} minutes.",
			sms: "Nexgate: your password reset code is {{code}}. It expires in {{minutes}} minutes. Do not share it with anyone.",
			emailSubject: "Reset your Nexgate password",
			emailText:
				"Hello,\n\nYour Nexgate password reset code is {{code}}.\nIt expires in {{minutes}} minutes.\n\n" +
				"If you did not ask to reset your password, ignore this email: your password stays as it is.",
			emailHtml: html(
				"Your Nexgate password reset code is",
				"If you did not ask to reset your password, ignore this email: your password stays as it is.",
				"It expires in {{minutes}} minutes."
			)
		},
		sw: {
			title: "Nambari ya kubadilisha nenosiri",
			body: "Nambari yako ya kubadilisha nenosiri ni {{code}}. Itaisha baada ya dakika {{minutes}}.",
			sms: "Nexgate: nambari yako ya kubadilisha nenosiri ni {{code}}. Itaisha baada ya dakika {{minutes}}. Usimpe mtu yeyote.",
			emailSubject: "Badilisha nenosiri lako la Nexgate",
			emailText:
				"Habari,\n\nNambari yako ya kubadilisha nenosiri la Nexgate ni {{code}}.\nItaisha baada ya dakika {{minutes}}.\n\n" +
				"Kama hukuomba kubadilisha nenosiri, puuza barua pepe hii: nenosiri lako halitabadilika.",
			emailHtml: html(
				"Nambari yako ya kubadilisha nenosiri la Nexgate ni",
				"Kama hukuomba kubadilisha nenosiri, puuza barua pepe hii: nenosiri lako halitabadilika.",
				"Itaisha baada ya dakika {{minutes}}."
			)
		}
	}
};
