/**
 * Builds common-passwords.txt: the passwords people pick first, which an
 * attacker tries first (NIST SP 800-63B §5.1.1.2 asks to refuse them).
 *
 * Sources, from memory of well-known public lists: the yearly "most common
 * passwords" reports (SplashData, NordPass), the head of the RockYou leak
 * frequency list and of SecLists' common-credentials lists, plus words people
 * in our markets use (football clubs, cities, faith, mobile money, Swahili
 * words). Each base word is expanded with the suffixes those lists show are
 * most common (digits, years, "!"), then everything is lowercased and
 * deduplicated. Regenerate with: npx tsx services/auth/data/generate-common-passwords.ts
 */
import fs from "node:fs";
import path from "node:path";

const TOP = `123456 password 12345678 qwerty 123456789 12345 1234 111111 1234567 dragon 123123 baseball abc123 football
monkey letmein 696969 shadow master 666666 qwertyuiop 123321 mustang 1234567890 michael 654321 superman 1qaz2wsx 7777777
121212 000000 qazwsx 123qwe killer trustno1 jordan jennifer zxcvbnm asdfgh hunter buster soccer harley batman andrew tigger
sunshine iloveyou 2000 charlie robert thomas hockey ranger daniel starwars klaster 112233 george computer michelle jessica
pepper 1111 zxcvbn 555555 11111111 131313 freedom 777777 pass maggie 159753 aaaaaa ginger princess joshua cheese amanda
summer love ashley nicole chelsea biteme matthew access yankees 987654321 dallas austin thunder taylor matrix mobilemail mom
monitor monitoring montana moon moscow password1 qwerty123 1q2w3e4r 1q2w3e 123abc admin welcome welcome1 passw0rd p@ssw0rd
p@ssword abc12345 iloveyou1 princess1 sunshine1 football1 baseball1 monkey1 charlie1 dragon1 master1 shadow1 qwerty1
password123 password12 pass123 pass1234 admin123 root toor test test123 guest changeme default secret letmein1 hello
hello123 hello1 loveme lovely babygirl angel angel1 jesus jesus1 christ blessed blessing faith grace hope trinity
flower purple orange yellow silver golden diamond hannah jasmine samantha jessica1 ashley1 michael1 daniel1 robert1
anthony joseph william david james john richard charles christopher matthew1 joshua1 andrew1 justin brandon tyler
benjamin samuel alexander alex sophie emily olivia isabella madison abigail elizabeth victoria natasha nicole1 jennifer1
whatever trustme qwertyu asdfghjkl zaq12wsx 1qazxsw2 qweasd qweasdzxc asdasd asd123 zxc123 qwe123 abcd1234 a123456
aa123456 123456a 123456q q123456 1234qwer qwer1234 qwerty12 password! password01 iloveu iloveyou2 loveyou lover
fuckyou fuckoff secret1 internet computer1 samsung nokia iphone android apple google facebook instagram twitter whatsapp
youtube microsoft windows linux ubuntu oracle cisco hp dell lenovo huawei tecno infinix itel xiaomi oppo
starwars1 pokemon naruto dragonball batman1 superman1 spiderman ironman avengers marvel matrix1 gandalf frodo
liverpool arsenal chelsea1 manutd manchester barcelona realmadrid juventus messi ronaldo cristiano neymar mbappe
football10 soccer1 basketball tennis cricket rugby boxing
simba yanga simbasc yangasc youngafricans azam gormahia afcleopards kcca vipers rayon apr
tanzania kenya uganda rwanda burundi congo africa afrika eastafrica zanzibar arusha dodoma mwanza mbeya moshi tanga
morogoro nairobi mombasa kisumu nakuru eldoret kampala entebbe jinja gulu kigali bujumbura gitega kinshasa goma lubumbashi
daressalaam dar dsm bongo kilimanjaro serengeti ngorongoro victoria nyerere kenyatta museveni kagame magufuli
mpesa m-pesa tigopesa airtelmoney halopesa mtn vodacom safaricom airtel tigo halotel zantel
mungu mungumkuu yesu yesu123 yesuyesu bwanayesu amani upendo imani baraka neema rehema furaha faraja tumaini uhuru
karibu asante jambo habari mambo poa sawa hakuna matata hakunamatata pole rafiki mpenzi nakupenda nakupendasana
mama baba dada kaka bibi babu mtoto watoto familia nyumbani shamba pesa fedha simu kazi shule chuo
allah allahuakbar bismillah mashallah inshallah alhamdulillah muhammad mohamed mohammed ahmed hassan hussein ali fatuma
fatma aisha asha zainabu mwanaisha amina halima khadija salma rehema juma hamisi omari rashidi saidi athumani
john1 peter paul mary joseph1 grace1 esther ruth rose lucy janet agnes catherine elizabeth1 margaret anna
`;

/** Keyboard walks and digit patterns people think are clever. */
function patterns(): string[] {
	const out: string[] = [];
	for (let len = 4; len <= 12; len++) {
		for (let d = 0; d <= 9; d++) out.push(String(d).repeat(len));
		out.push("1234567890".repeat(2).slice(0, len), "9876543210".repeat(2).slice(0, len), "0123456789".slice(0, Math.min(len, 10)));
		out.push("abcdefghijkl".slice(0, len), "qwertyuiopas".slice(0, len), "asdfghjklzxc".slice(0, len), "zxcvbnmasdfg".slice(0, len));
		out.push("a".repeat(len), "x".repeat(len), "z".repeat(len));
	}
	for (const pair of ["12", "21", "01", "10", "69", "99", "88", "77", "13", "11", "22", "00"]) out.push(pair.repeat(3), pair.repeat(4), pair.repeat(5));
	for (const tri of ["123", "321", "456", "789", "abc", "qwe", "asd", "zxc"]) out.push(tri.repeat(2), tri.repeat(3));
	return out;
}

/** The suffixes the leak lists show most often after a word. */
function suffixes(): string[] {
	const years: string[] = [];
	for (let y = 1990; y <= 2026; y++) years.push(String(y));
	return ["", "1", "12", "123", "1234", "12345", "!", "01", "123456", "1!", "123!", "@123", "#1", "007", "69", "2", "7", "11", "13", "21", "22", "23", "77", "99", ...years];
}

function build(): string[] {
	const words = TOP.split(/\s+/).map(w => w.trim().toLowerCase()).filter(Boolean);
	const set = new Set<string>(patterns());
	const sfx = suffixes();
	// The head of the list (the first ~60 words plus the regional words) gets every suffix; the rest the common few.
	words.forEach((word, i) => {
		const all = i < 60 || /^(simba|yanga|tanzania|kenya|uganda|rwanda|mungu|yesu|jesus|allah|nairobi|kampala|kigali|mpesa|baraka|neema|upendo|amani|mama|baba|rafiki|asante|karibu)/.test(word);
		for (const s of all ? sfx : sfx.slice(0, 8)) set.add(word + s);
	});
	return [...set].filter(p => p.length >= 4 && p.length <= 64).sort();
}

if (require.main === module) {
	const list = build();
	fs.writeFileSync(path.join(__dirname, "common-passwords.txt"), list.join("\n") + "\n");
	process.stdout.write(`${list.length} passwords written\n`);
}
