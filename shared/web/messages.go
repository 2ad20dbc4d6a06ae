package web

// T returns the text for key in lang ("nl" or "en"); an unknown key returns the key, so a
// missing translation shows up in tests instead of as an empty label.
func T(lang, key string) string {
	m, ok := texts[key]
	if !ok {
		return key
	}
	if lang == "en" {
		return m[1]
	}
	return m[0]
}

// Optional returns the text for key, or "" when there is none (for optional hints).
func Optional(lang, key string) string {
	if _, ok := texts[key]; !ok {
		return ""
	}
	return T(lang, key)
}

// texts holds every page text, Dutch first. Dutch is plain language (B1).
var texts = map[string][2]string{
	"site":       {"Privacyloket", "Privacy desk"},
	"other.lang": {"English", "Nederlands"},
	"other.code": {"en", "nl"},
	"required":   {"verplicht", "required"},
	"optional":   {"niet verplicht", "optional"},
	"reference":  {"Kenmerk", "Reference"},
	"status":     {"Status", "Status"},
	"due":        {"Uiterlijke datum antwoord", "Answer due by"},
	"received":   {"Ontvangen op", "Received on"},
	"extended":   {"Termijn verlengd", "Term extended"},
	"yes":        {"ja", "yes"},
	"no":         {"nee", "no"},
	"letters":    {"Brieven aan u", "Letters to you"},
	"no.letters": {"Nog geen brieven.", "No letters yet."},

	"request_form.title": {"Privacyverzoek indienen", "Make a privacy request"},
	"form.intro": {"Met dit formulier vraagt u iets over uw persoonsgegevens. Bijvoorbeeld welke gegevens wij van u hebben (inzage), of dat wij iets verbeteren of verwijderen. Het kost niets. Wij antwoorden binnen de wettelijke termijn.",
		"Use this form to ask us about your personal data. For example, which data we hold about you (access), or to correct or delete something. It is free. We answer within the legal term."},
	"form.errors":               {"Niet alles is goed ingevuld. Kijk de velden hieronder na:", "Some fields need your attention:"},
	"form.type":                 {"Wat wilt u vragen?", "What do you want to ask?"},
	"type.access":               {"Inzage: zien welke gegevens wij van u hebben", "Access: see which data we hold about you"},
	"type.rectification":        {"Correctie: gegevens verbeteren of aanvullen", "Rectification: correct or complete data"},
	"type.erasure":              {"Verwijdering: gegevens laten wissen", "Erasure: have data deleted"},
	"type.objection":            {"Bezwaar (verzet) tegen het gebruik van uw gegevens", "Objection to the use of your data"},
	"type.complaint":            {"Klacht over hoe wij met uw gegevens omgaan", "Complaint about how we handle your data"},
	"form.you":                  {"Uw gegevens", "Your details"},
	"form.name":                 {"Volledige naam", "Full name"},
	"form.email":                {"E-mailadres", "E-mail address"},
	"form.email.hint":           {"Wij sturen u een e-mail om dit adres te bevestigen.", "We will send you an e-mail to confirm this address."},
	"form.birthDate":            {"Geboortedatum", "Date of birth"},
	"form.birthDate.hint":       {"Kies de datum in de kalender, of typ hem.", "Pick the date in the calendar, or type it."},
	"form.phone":                {"Telefoonnummer", "Phone number"},
	"form.address":              {"Adres", "Address"},
	"form.relation":             {"U bent bij ons", "Your relation to us"},
	"relation.":                 {"Kies…", "Choose…"},
	"relation.tenant":           {"huurder", "tenant"},
	"relation.applicant":        {"woningzoekende", "applicant for a home"},
	"relation.buyer":            {"koper", "buyer"},
	"relation.owner":            {"eigenaar", "owner"},
	"relation.resident":         {"bewoner of buurtbewoner", "resident or neighbour"},
	"relation.other":            {"anders", "other"},
	"form.request":              {"Uw verzoek", "Your request"},
	"form.details":              {"Waar gaat het over?", "What is it about?"},
	"form.details.hint":         {"Nodig bij verwijdering en klacht. Bij verwijdering: welke gegevens, en waarom (niet meer nodig, niet juist, of onrechtmatig).", "Needed for erasure and complaints. For erasure: which data, and why (no longer needed, incorrect, or unlawful)."},
	"form.proposedChanges":      {"Wat moet er veranderen?", "What should change?"},
	"form.proposedChanges.hint": {"Nodig bij correctie: welke gegevens kloppen niet, en wat is juist?", "Needed for rectification: which data is wrong, and what is right?"},
	"form.motivation":           {"Waarom maakt u bezwaar?", "Why do you object?"},
	"form.motivation.hint":      {"Nodig bij bezwaar: beschrijf uw persoonlijke omstandigheden.", "Needed for an objection: describe your personal circumstances."},
	"form.rep":                  {"Vraagt u dit voor iemand anders?", "Are you asking for someone else?"},
	"form.rep.hint": {"Is de persoon jonger dan 16 jaar, of kan hij of zij dit niet zelf regelen? Dan vraagt de wettelijk vertegenwoordiger het aan (ouder, voogd, curator of mentor). Vul dan hierboven de gegevens van die persoon in, en hier uw eigen gegevens. Alle post gaat naar u.",
		"Is the person under 16, or unable to arrange this themselves? Then their legal representative asks (parent, guardian, curator or mentor). Fill in that person's details above and your own details here. All letters go to you."},
	"form.rep.name":     {"Naam vertegenwoordiger", "Representative's name"},
	"form.rep.email":    {"E-mailadres vertegenwoordiger", "Representative's e-mail address"},
	"form.rep.capacity": {"U bent de", "You are the person's"},
	"capacity.":         {"Kies…", "Choose…"},
	"capacity.parent":   {"ouder", "parent"},
	"capacity.guardian": {"voogd", "guardian"},
	"capacity.curator":  {"curator", "curator"},
	"capacity.mentor":   {"mentor", "mentor"},
	"capacity.other":    {"anders", "other"},
	"form.id":           {"Kopie identiteitsbewijs (niet verplicht)", "Copy of identity document (optional)"},
	"form.id.legend":    {"Identiteit", "Identity"},
	"form.id.hint": {"Meestal is dit niet nodig: wij vragen er zelf om als het wel nodig is. Stuurt u toch een kopie? Maak dan eerst uw BSN en uw pasfoto onleesbaar, bijvoorbeeld met de app KopieID van de overheid. Een JPEG, PNG of PDF van hoogstens 10 MB.",
		"Usually this is not needed: we will ask if it is. Sending a copy anyway? First make your citizen service number (BSN) and your photo unreadable, for example with the government's KopieID app. A JPEG, PNG or PDF of at most 10 MB."},
	"form.sign":        {"Ondertekening", "Signature"},
	"form.signature":   {"Typ uw volledige naam als handtekening", "Type your full name as signature"},
	"form.declaration": {"Ik verklaar dat ik deze gegevens naar waarheid heb ingevuld en dat ik dit verzoek mag doen.", "I declare that these details are true and that I am entitled to make this request."},
	"form.website":     {"Laat dit veld leeg", "Leave this field empty"},
	"form.submit":      {"Verzoek versturen", "Send request"},
	"form.privacy":     {"Wij gebruiken uw gegevens alleen om uw verzoek af te handelen.", "We use your details only to handle your request."},

	"thanks.title": {"Bedankt, kijk in uw e-mail", "Thank you, please check your e-mail"},
	"thanks.text": {"Wij hebben uw verzoek ontvangen. U krijgt nu een e-mail. Klik op de link in die e-mail om uw e-mailadres te bevestigen. Pas daarna gaan wij aan de slag. Bevestigt u niet binnen 7 dagen? Dan vervalt het verzoek en wissen wij uw gegevens.",
		"We have received your request. You will now get an e-mail. Click the link in it to confirm your e-mail address. Only then do we start. If you do not confirm within 7 days, the request lapses and we delete your details."},

	"confirm.title":     {"E-mailadres bevestigen", "Confirm your e-mail address"},
	"confirm.text":      {"Klik op de knop om uw e-mailadres te bevestigen. Daarna starten wij met uw verzoek.", "Click the button to confirm your e-mail address. Then we start on your request."},
	"confirm.button":    {"Bevestigen", "Confirm"},
	"confirmed.title":   {"Uw e-mailadres is bevestigd", "Your e-mail address is confirmed"},
	"confirmed.text":    {"Dank u. Wij zijn met uw verzoek bezig. U krijgt een ontvangstbevestiging per e-mail, met de datum waarop u uiterlijk antwoord krijgt.", "Thank you. We are working on your request. You will receive an acknowledgement by e-mail, with the date by which you will get an answer."},
	"confirmed.already": {"Uw e-mailadres was al bevestigd. U hoeft niets meer te doen.", "Your e-mail address was already confirmed. There is nothing more to do."},
	"status.link":       {"Bekijk de status van uw verzoek", "See the status of your request"},

	"status.title":                    {"Status van uw verzoek", "Status of your request"},
	"st.awaiting_confirmation":        {"Wacht op bevestiging van uw e-mailadres", "Waiting for you to confirm your e-mail address"},
	"st.awaiting_identity":            {"Wij controleren uw identiteit", "We are checking your identity"},
	"st.in_progress":                  {"In behandeling", "In progress"},
	"st.awaiting_third_party":         {"Wij vragen een ander om een reactie", "We are asking someone else for their view"},
	"st.decided":                      {"Besluit genomen", "Decided"},
	"st.closed":                       {"Afgesloten", "Closed"},
	"st.expired":                      {"Vervallen", "Expired"},
	"status.suspended":                {"De termijn staat stil tot wij uw kopie identiteitsbewijs hebben. De datum hieronder schuift dan op.", "The term is paused until we have your copy of an identity document. The date below moves on accordingly."},
	"letter.confirm_email":            {"E-mailadres bevestigen", "Confirm e-mail address"},
	"letter.confirm_reminder":         {"Herinnering: e-mailadres bevestigen", "Reminder: confirm e-mail address"},
	"letter.receipt":                  {"Ontvangstbevestiging", "Acknowledgement of receipt"},
	"letter.id_requested":             {"Vraag om kopie identiteitsbewijs", "Request for a copy of an identity document"},
	"letter.id_rejected":              {"Kopie identiteitsbewijs niet goedgekeurd", "Copy of identity document not accepted"},
	"letter.delay_notice":             {"Bericht van uitstel", "Notice of delay"},
	"letter.decision":                 {"Besluit", "Decision"},
	"letter.result_ready":             {"Uw gegevens staan klaar", "Your data is ready"},
	"letter.staff_case":               {"Nieuwe zaak", "New case"},
	"letter.staff_reminder":           {"Herinnering", "Reminder"},
	"letter.staff_overdue":            {"Termijn verstreken", "Term passed"},
	"letter.third_party_consultation": {"Vraag aan derde", "Third-party consultation"},
	"letter.correction_notice":        {"Correctiebericht", "Correction notice"},
	"sent.pending":                    {"wordt verstuurd", "being sent"},
	"sent.sending":                    {"wordt verstuurd", "being sent"},
	"sent.sent":                       {"verstuurd", "sent"},
	"sent.failed":                     {"niet bezorgd", "not delivered"},

	"staff_case.title": {"Zaak", "Case"},
	"staff.subject":    {"Betrokkene", "Data subject"},
	"staff.rep":        {"Wettelijk vertegenwoordiger", "Legal representative"},
	"staff.request":    {"Verzoek", "Request"},
	"staff.identity":   {"Identiteit", "Identity"},
	"staff.timeline":   {"Tijdlijn", "Timeline"},
	"staff.letters":    {"Brieven", "Letters"},
	"staff.actions":    {"Acties", "Actions"},
	"staff.no.actions": {"In deze status zijn geen acties mogelijk.", "No actions are possible in this status."},
	"staff.personal":   {"Deze link is persoonlijk. Stuur hem niet door.", "This link is personal. Do not forward it."},
	"staff.as":         {"Ingelogd via link als", "Signed in by link as"},

	"message.title":           {"Privacyloket", "Privacy desk"},
	"err.invalid":             {"Niet alles is goed ingevuld.", "Some fields are not filled in correctly."},
	"err.invalid.heading":     {"Controleer uw gegevens", "Please check your details"},
	"err.too_large":           {"Wat u stuurt is te groot. Een bestand mag hoogstens 10 MB zijn.", "What you sent is too large. A file may be at most 10 MB."},
	"err.too_large.heading":   {"Te groot", "Too large"},
	"err.media_type":          {"Dit soort inhoud kunnen wij niet ontvangen.", "We cannot accept this kind of content."},
	"err.media_type.heading":  {"Verkeerd soort bestand", "Wrong kind of file"},
	"err.method":              {"Deze handeling is hier niet mogelijk.", "This action is not possible here."},
	"err.method.heading":      {"Niet mogelijk", "Not possible"},
	"err.rate":                {"U heeft te veel verzoeken kort na elkaar verstuurd. Probeer het later opnieuw.", "You have sent too many requests in a short time. Please try again later."},
	"err.rate.heading":        {"Even geduld", "Please wait"},
	"err.token":               {"Deze link werkt niet (meer). Misschien is hij verlopen of niet helemaal gekopieerd. Gebruik de link uit de nieuwste e-mail, of neem contact met ons op voor een nieuwe link.", "This link does not work (any more). It may have expired or not been copied in full. Use the link in the latest e-mail, or contact us for a new link."},
	"err.token.heading":       {"Link werkt niet", "Link does not work"},
	"err.not_found":           {"Wij kunnen dit verzoek niet vinden. Misschien is het vervallen of al verwijderd.", "We cannot find this request. It may have lapsed or been deleted."},
	"err.not_found.heading":   {"Niet gevonden", "Not found"},
	"err.conflict":            {"Deze actie kan niet in de huidige status van de zaak. Er is niets veranderd.", "This action is not possible in the case's current status. Nothing was changed."},
	"err.conflict.heading":    {"Niet mogelijk in deze status", "Not possible in this status"},
	"err.cross_site":          {"Dit formulier is vanaf een andere website verstuurd. Er is niets veranderd.", "This form was sent from another website. Nothing was changed."},
	"err.cross_site.heading":  {"Geweigerd", "Refused"},
	"err.internal":            {"Er ging bij ons iets mis. Er is niets verloren gegaan. Probeer het over een paar minuten opnieuw.", "Something went wrong on our side. Nothing was lost. Please try again in a few minutes."},
	"err.internal.heading":    {"Er ging iets mis", "Something went wrong"},
	"err.unavailable":         {"Wij zijn even niet bereikbaar. Probeer het over een paar minuten opnieuw.", "We are briefly unavailable. Please try again in a few minutes."},
	"err.unavailable.heading": {"Even niet bereikbaar", "Briefly unavailable"},
}

// staffTexts are the staff page's texts (identity and actions).
var staffTexts = map[string][2]string{
	"id.checked":              {"Gecontroleerd", "Checked"},
	"id.outcome.verified":     {"identiteit vastgesteld", "identity established"},
	"id.outcome.rejected":     {"kopie afgekeurd", "copy rejected"},
	"id.state":                {"Stand", "State"},
	"id.copy.held":            {"Er is een kopie identiteitsbewijs ontvangen. Controleer hem en kies daarna 'Identiteit vastgesteld' of 'Kopie afkeuren'. De kopie wordt daarna direct gewist.", "A copy of an identity document has arrived. Check it, then choose 'Identity established' or 'Reject copy'. The copy is then deleted at once."},
	"id.copy.awaited":         {"Wacht op een kopie identiteitsbewijs van de aanvrager.", "Waiting for a copy of an identity document from the requester."},
	"id.email.only":           {"Het e-mailadres is bevestigd. Twijfelt u aan de identiteit? Vraag dan een kopie identiteitsbewijs.", "The e-mail address is confirmed. In doubt about the identity? Then ask for a copy of an identity document."},
	"id.copy.note":            {"Alleen bekijken, niet opslaan of doorsturen. Controleer of BSN en pasfoto onleesbaar zijn.", "View only; do not save or forward. Check that the BSN and photo are unreadable."},
	"id.copy.alt":             {"Kopie identiteitsbewijs", "Copy of identity document"},
	"id.copy.open":            {"Kopie openen", "Open copy"},
	"doc.passport":            {"paspoort", "passport"},
	"doc.id_card":             {"identiteitskaart", "identity card"},
	"doc.driving_licence":     {"rijbewijs", "driving licence"},
	"doc.residence_permit":    {"verblijfsdocument", "residence permit"},
	"doc.other":               {"ander document", "other document"},
	"act.verify_identity":     {"Identiteit vastgesteld", "Identity established"},
	"act.reject_identity":     {"Kopie afkeuren", "Reject copy"},
	"act.request_identity":    {"Kopie identiteitsbewijs vragen", "Ask for a copy of an identity document"},
	"act.extend":              {"Termijn verlengen (bericht van uitstel)", "Extend the term (delay notice)"},
	"act.consult_third_party": {"Derde om reactie vragen", "Consult a third party"},
	"act.decide":              {"Besluit nemen", "Decide"},
	"act.withdraw":            {"Zaak sluiten (ingetrokken)", "Close case (withdrawn)"},
	"help.verify_identity":    {"De kopie wordt gewist. Alleen het feit blijft bewaard: wie, wanneer, welk soort document.", "The copy is deleted. Only the fact is kept: who, when, which kind of document."},
	"help.reject_identity":    {"De aanvrager krijgt uw reden en een link voor een nieuwe kopie. De huidige kopie wordt gewist.", "The requester gets your reason and a link for a new copy. The current copy is deleted."},
	"help.request_identity":   {"Alleen als e-mailcontrole niet genoeg is. Leg uit waarom.", "Only when the e-mail check is not enough. Explain why."},
	"help.extend":             {"Kan één keer, vóór de huidige datum. De nieuwe datum is hoogstens 3 maanden na ontvangst. De aanvrager krijgt uw uitleg.", "Possible once, before the current date. The new date is at most 3 months after receipt. The requester gets your explanation."},
	"help.withdraw":           {"Bijvoorbeeld als de aanvrager het verzoek intrekt.", "For example when the requester withdraws the request."},
	"field.documentType":      {"Soort document", "Document type"},
	"field.reason":            {"Reden", "Reason"},
	"field.explanation":       {"Uitleg voor de aanvrager", "Explanation for the requester"},
}

func init() {
	for k, v := range staffTexts {
		texts[k] = v
	}
}

var uploadTexts = map[string][2]string{
	"upload.title":                  {"Kopie identiteitsbewijs sturen", "Send a copy of your identity document"},
	"upload.text":                   {"Wij willen zeker weten dat wij uw gegevens aan de juiste persoon geven. Stuur daarom een kopie van uw paspoort, identiteitskaart, rijbewijs of verblijfsdocument.", "We want to be sure we give your data to the right person. Please send a copy of your passport, identity card, driving licence or residence permit."},
	"upload.mask":                   {"Maak eerst uw BSN en uw pasfoto onleesbaar. Dat kan eenvoudig met de app KopieID van de overheid. Wij wissen de kopie meteen nadat wij hem hebben gecontroleerd.", "First make your citizen service number (BSN) and your photo unreadable. The government's KopieID app does this easily. We delete the copy as soon as we have checked it."},
	"upload.formats":                {"JPEG, PNG of PDF, hoogstens 10 MB.", "JPEG, PNG or PDF, at most 10 MB."},
	"upload.button":                 {"Kopie versturen", "Send copy"},
	"upload.missing":                {"Kies een bestand.", "Choose a file."},
	"upload.done.heading":           {"Dank u, wij hebben uw kopie ontvangen", "Thank you, we have received your copy"},
	"upload.done":                   {"Wij controleren de kopie en wissen hem daarna. U hoort van ons.", "We will check the copy and then delete it. You will hear from us."},
	"err.conflict.no_copy":          {"Er is geen kopie om af te keuren.", "There is no copy to reject."},
	"err.conflict.no_upload":        {"Voor dit verzoek hebben wij nu geen kopie identiteitsbewijs nodig.", "We do not need a copy of an identity document for this request now."},
	"err.conflict.extend_once":      {"De termijn is al een keer verlengd. Dat kan maar één keer.", "The term has already been extended. This is possible only once."},
	"err.conflict.extend_complaint": {"Een klacht volgt de eigen klachtenregeling; verlengen met een bericht van uitstel kan hier niet.", "A complaint follows the complaints procedure; it cannot be extended with a delay notice."},
	"err.conflict.extend_late":      {"De termijn is al voorbij. Verlengen kan alleen vóór de uiterlijke datum.", "The term has already passed. Extending is only possible before the due date."},
}

func init() {
	for k, v := range uploadTexts {
		texts[k] = v
	}
}

var decisionTexts = map[string][2]string{
	"staff.type":                      {"Soort verzoek", "Kind of request"},
	"staff.signature":                 {"Ondertekend als", "Signed as"},
	"sst.awaiting_confirmation":       {"Wacht op bevestiging e-mailadres", "Awaiting e-mail confirmation"},
	"sst.awaiting_identity":           {"Wacht op identiteit", "Awaiting identity"},
	"sst.in_progress":                 {"In behandeling", "In progress"},
	"sst.awaiting_third_party":        {"Wacht op reactie derde", "Awaiting third party"},
	"sst.decided":                     {"Besloten", "Decided"},
	"sst.closed":                      {"Gesloten", "Closed"},
	"sst.expired":                     {"Vervallen", "Expired"},
	"outcome.granted":                 {"toegewezen", "granted"},
	"outcome.partly_granted":          {"gedeeltelijk toegewezen", "partly granted"},
	"outcome.refused":                 {"afgewezen", "refused"},
	"ground.none":                     {"— (geen: alleen bij toewijzing of klacht)", "— (none: only when granted or for a complaint)"},
	"ground.state_security":           {"staatsveiligheid", "state security"},
	"ground.protection_of_rights":     {"bescherming van de betrokkene of van anderen", "protection of the data subject or others"},
	"ground.economic_interest":        {"gewichtige economische of financiële belangen van de staat", "important economic or financial interests of the state"},
	"ground.crime_prevention":         {"voorkomen, opsporen en vervolgen van strafbare feiten", "prevention, detection and prosecution of crime"},
	"ground.manifestly_unfounded":     {"kennelijk ongegrond", "manifestly unfounded"},
	"ground.excessive":                {"buitensporig", "excessive"},
	"ground.required_by_law":          {"verstrekking die de overheid verplicht stelt", "disclosure required by law"},
	"ground.identity_not_established": {"identiteit niet vastgesteld", "identity not established"},
	"field.outcome":                   {"Besluit", "Outcome"},
	"field.motivation":                {"Motivering (verplicht bij afwijzing of gedeeltelijke toewijzing)", "Motivation (required unless granted)"},
	"field.ground":                    {"Grond (verplicht bij afwijzing of beperking)", "Ground (required for a refusal or limitation)"},
	"field.resultFile":                {"Gegevens van de aanvrager (JSON of CSV, hoogstens 5 MB)", "The requester's data (JSON or CSV, at most 5 MB)"},
	"field.recipients":                {"Ontvangers die het moeten weten (e-mailadressen, één per regel)", "Recipients to inform (e-mail addresses, one per line)"},
	"field.recipientsNote":            {"Of: waarom informeren onmogelijk of onevenredig is", "Or: why informing them is impossible or disproportionate"},
	"field.correctionSummary":         {"Wat is er veranderd (voor de ontvangers; niet waarom)", "What changed (for the recipients; not why)"},
	"field.thirdPartyName":            {"Naam derde", "Third party's name"},
	"field.thirdPartyEmail":           {"E-mailadres derde", "Third party's e-mail address"},
	"help.decide":                     {"De aanvrager krijgt het besluit per e-mail. Bij afwijzing of beperking staan de klachtmogelijkheid bij de Autoriteit Persoonsgegevens en de weg naar de rechter in de brief.", "The requester receives the decision by e-mail. A refusal or limitation names the right to complain to the Dutch DPA and to go to court."},
	"help.consult_third_party":        {"De derde hoort alleen wat voor verzoek het is, niet wie het deed, en krijgt de bezwaartermijn uit het profiel.", "The third party learns only the nature of the request, not who made it, and gets the profile's objection term."},
	"warn.mask":                       {"Let op: de derde maakte bezwaar of reageerde niet op tijd. Maak de gegevens van de derde onleesbaar in wat u verstrekt.", "Note: the third party objected or did not answer in time. Mask the third party's data in what you disclose."},
	"warn.too_late":                   {"Let op: de bezwaartermijn van de derde loopt tot of na de uiterlijke datum voor de aanvrager. Verleng de termijn of beslis zonder het antwoord.", "Note: the third party's term runs until or past the requester's due date. Extend the term or decide without the answer."},
	"staff.third_party":               {"Derde", "Third party"},
	"staff.tp.answer":                 {"Reactie", "Answer"},
	"staff.decision":                  {"Besluit", "Decision"},
	"staff.decided_by":                {"Besloten door", "Decided by"},
	"tp.answer.agree":                 {"akkoord met verstrekking", "agrees to disclosure"},
	"tp.answer.object":                {"bezwaar", "objects"},
	"tp.answer.none":                  {"geen reactie binnen de termijn", "no answer within the term"},
	"tp.answer.pending":               {"nog geen reactie", "no answer yet"},
	"third_party.title":               {"Uw mening gevraagd", "Your view is asked"},
	"tp.title":                        {"Uw mening over het verstrekken van gegevens", "Your view on disclosing data"},
	"tp.text":                         {"Iemand heeft ons gevraagd om gegevens die ook over u gaan. Wij verstrekken die alleen als u geen bezwaar heeft. Maakt u bezwaar, of reageert u niet op tijd? Dan maken wij uw gegevens onleesbaar.", "Someone has asked us for data that also concerns you. We disclose it only if you do not object. If you object, or do not answer in time, we make your data unreadable."},
	"tp.kind":                         {"Soort verzoek", "Kind of request"},
	"tp.due":                          {"Reageren kan tot en met", "You can answer until"},
	"tp.question":                     {"Mogen wij de gegevens die ook over u gaan verstrekken?", "May we disclose the data that also concerns you?"},
	"tp.agree":                        {"Ja, ik heb geen bezwaar", "Yes, I do not object"},
	"tp.object":                       {"Nee, ik maak bezwaar", "No, I object"},
	"tp.comment":                      {"Toelichting", "Comment"},
	"tp.send":                         {"Reactie versturen", "Send answer"},
	"tp.answered":                     {"Wij hebben uw reactie al ontvangen. Dank u.", "We have already received your answer. Thank you."},
	"tp.done.heading":                 {"Dank u voor uw reactie", "Thank you for your answer"},
	"tp.done":                         {"Wij houden rekening met uw reactie.", "We will take your answer into account."},
	"err.conflict.third_party_done":   {"Deze vraag is al beantwoord of gesloten.", "This question has already been answered or closed."},
	"err.download_expired":            {"Deze downloadlink is verlopen of het bestand is al verwijderd. Vraag ons gerust om een nieuwe link; inzage is altijd gratis.", "This download link has expired or the file has been deleted. Feel free to ask us for a new link; access is always free."},
	"err.download_expired.heading":    {"Link verlopen", "Link expired"},
	"letter.result_ready.short":       {"Gegevens klaar", "Data ready"},
}

func init() {
	for k, v := range decisionTexts {
		texts[k] = v
	}
}
