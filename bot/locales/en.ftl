# Shared buttons and commands
button-back = ← Back to menu
button-digital-id = 🪪 Digital ID
button-trusted-contact = 🤝 Trusted contact
button-safety = 🛡 Staying safe from fraudsters
button-help = ❓ Help
command-start = Main menu
command-help = What this bot can do
command-safety = Safety advice
# Answered once per window when a person sends commands or presses buttons too fast
too-many-requests = Too many actions in a row. Wait a few seconds and try again.

start-greeting =
    Hello, { $name }!

    This bot brings two state-services (Gosuslugi) features into the messenger:

    🪪 Digital ID — a QR code that proves your age or status (student, parent of a large family, participant of the special military operation or a family member, pensioner) without paper documents.

    🤝 Trusted contact — someone close to you, without whom nobody can recover the password of your Gosuslugi account. It protects you from fraudsters.

    What would you like to know about?

help =
    What this bot can do

    /start — main menu
    /link — link your Gosuslugi account
    /unlink — unlink it
    /id — Digital ID
    /contact — trusted contact
    /help — this help
    /safety — staying safe from fraudsters

    The menu explains what Digital ID and the trusted contact are, who can use them and how to connect.

    The bot never asks for your Gosuslugi password. Enter SMS codes only in this chat, and only if you asked for them yourself.

info-digital-id =
    🪪 Digital ID

    What it is. A special QR code built from your Gosuslugi data. It confirms one of:
    • age 18+;
    • student status;
    • parent of a large family;
    • participant of the special military operation, or a family member;
    • pensioner.
    Paper documents remain valid; the QR code can be shown alongside them in everyday situations.

    Who can use it. Russian citizens over 18 with a confirmed Gosuslugi account and biometrics in the Unified Biometric System. Without biometrics, register them with a new-type international passport or at a bank.

    How to connect.
    1. Link the bot to your Gosuslugi account: share your phone number and enter the code from the SMS.
    2. Pick the status you need to confirm.
    3. Show the QR code to the cashier or the self-service checkout. It refreshes every { $refreshSeconds ->
        [one] { $refreshSeconds } second
       *[other] { $refreshSeconds } seconds
    }.

    What the checker sees. Only "confirmed" or "not confirmed" for the chosen scenario. Your name, date of birth and phone are not passed to organisations.

    Safety. Nobody else can use your Digital ID: the QR code lives for seconds and keeps refreshing. Do not forward screenshots of it.

info-trusted-contact =
    🤝 Trusted contact

    What it is. A person who confirms password recovery for your Gosuslugi account. If fraudsters talk you into it or try to reset your password by deception, access cannot be recovered without your trusted contact's consent.

    Who can connect it. A Russian citizen aged 14 or more with a confirmed Gosuslugi account and a current phone number.

    Who can be a trusted contact. A Russian citizen over 18 with a confirmed account and a current phone number. You can have one trusted contact; one person can be the trusted contact of at most { $trustorsPerContact } { $trustorsPerContact ->
        [one] person
       *[other] people
    }. They get no access to your account — they only approve or deny a password recovery.

    How to connect.
    1. Give the name and the mobile number confirmed on your contact's account.
    2. They receive an invitation and accept it.
    3. They then show in your "Trusted contact" section.

    How recovery works. When someone asks to recover your password, your trusted contact gets a request. Before approving, they must call you and make sure fraudsters are not misleading you. They approve with a code sent by SMS to their phone. The temporary password goes only to you.

info-safety =
    🛡 Staying safe from fraudsters

    • Never tell anyone an SMS code — not "Gosuslugi staff", not "your bank", not "the police". Real staff never ask for codes.
    • If someone rushes you, scares you or asks you to keep the call secret — hang up. That is the surest sign of fraud.
    • Do not install apps or open links sent by strangers.
    • Connect a trusted contact: then your Gosuslugi password cannot be recovered without their approval.
    • If you are a trusted contact and a recovery request arrives — first call the person yourself, on a number you know. Approve only if they really are recovering access themselves with no "helpers" around.
    • If you are told of a password recovery you did not ask for, cancel it with the "It was not me" button.

unknown-command =
    There is no such command. Here is what I can do:

    /start — main menu
    /help — help
    /safety — safety advice

free-text =
    I understand commands and menu buttons. Open the menu with /start or read the help: /help.

contact-unexpected =
    Thank you, the number arrived, but nothing needs it right now. Open the menu: /start.

unsupported-message =
    I do not handle messages like this. Open the menu: /start.

# Groups: personal services work only in a private chat with the bot
private-only = This is done only in a private chat with me: write to { $bot }.

error-generic =
    The service is temporarily unavailable. Please try again in a minute.

error-unavailable =
    The service is temporarily unavailable. Your message is not lost: I will answer as soon as it works again, usually within a minute.

# Linking the Gosuslugi account
button-link = 🔗 Link Gosuslugi
button-share-phone = 📱 Share my number
button-cancel = Cancel
button-resend = Send the code again
command-link = Link your Gosuslugi account
command-unlink = Unlink your account
link-ask-contact =
    To link your Gosuslugi account, share your phone number with the button below.

    It must be the number confirmed on your account.
link-press-share = Press "📱 Share my number" below, or "Cancel".
link-not-own-contact = That is someone else's contact. Only your own number can be linked: press "📱 Share my number". Start again: /link
link-no-account =
    We found no confirmed Gosuslugi account with this number.

    You can confirm an account at a public services centre (MFC), in online banking, or with the code from a registered Russian Post letter. If your account has another number, change it in your Gosuslugi profile and try again: /link
link-code-sent =
    We sent an SMS with a 6-digit code to { $phone }. Type the code here. It is valid for { $minutes } { $minutes ->
        [one] minute
       *[other] minutes
    }.

    Never tell anyone this code.
link-code-resent = A new code is on its way. The previous one no longer works.
link-code-format = The code is the 6 digits from the SMS, with no spaces or letters. Please type it again.
link-code-wrong = Wrong code. Tries left: { $left }.
link-code-locked = Too many wrong tries. This code will not be accepted any more. Ask for a new one later: /link
link-code-expired = The code has expired. Start again: /link
link-resend-too-soon = You can ask for a new code in { $seconds } s.
link-sms-limit = Too many SMS were sent to this number today. Please try tomorrow.
link-cancelled = Linking cancelled.
link-done =
    Done, { $name }! Your Gosuslugi account is linked to this chat.

    Open your Digital ID: /id
link-moved-away =
    Your Gosuslugi account was linked in another messenger chat, so it is unlinked here.

    If that was not you, change your Gosuslugi password and connect a trusted contact.
sms-link-code = Code to link Gosuslugi to the messenger: { $code }. Never tell anyone.
unlink-done = Your Gosuslugi account is unlinked from this chat.
unlink-none = No account is linked. Link one: /link
code-not-expected = No code was asked for just now. To link your Gosuslugi account: /link

# Digital ID
command-id = Show my Digital ID
scenario-adult = age 18+
scenario-student = student status
scenario-large_family = large family
scenario-svo_participant = participant of the special military operation
scenario-svo_family_member = family member of a participant of the special military operation
scenario-pensioner = pensioner
button-refresh-now = 🔄 Refresh now
button-stop = ⏹ Stop
button-show-again = 🪪 Show again
did-choose = What do you need to confirm? Pick a status: the checker sees only "confirmed" or "not confirmed".
did-caption =
    🪪 Digital ID: { $scenario }
    Show the QR code to the cashier or the self-service checkout.

    It refreshes at { $next }; the session lasts until { $until } (Moscow time).
did-caption-last =
    🪪 Digital ID: { $scenario }
    Show the QR code to the cashier or the self-service checkout.

    The session ends at { $until } (Moscow time).
did-caption-open =
    This message can be forwarded or saved, so what protects you is the code's short life: it refreshes by itself, and a screenshot or a forwarded copy soon stops passing the check.
did-ended =
    🪪 Digital ID: { $scenario }
    The session is over; the QR code no longer works.
did-stopped =
    🪪 Digital ID: { $scenario }
    Stopped. The QR code no longer works.
did-revoked =
    🪪 Digital ID: { $scenario }
    The session was ended and the QR code no longer works: the status is no longer confirmed, the account was unlinked, or an administrator revoked it.
did-not-linked = To open your Digital ID, first link your Gosuslugi account: /link
did-under-18 = Digital ID is available to Russian citizens from the age of 18.
did-unconfirmed = Your Gosuslugi account is not confirmed. Confirm it at a public services centre (MFC), in online banking or with the code from a Russian Post letter.
did-no-biometrics =
    Digital ID needs your biometrics in the Unified Biometric System.

    You can register them with a new-type international passport or at a bank. Then come back: /id
did-scenario-not-held = This status is not confirmed on Gosuslugi right now. Pick another: /id
did-not-yours = This button does not belong to your Digital ID.
did-not-live = This session has already ended.
did-refreshing = Refreshing the QR code…
# At most one QR edit per chat every 2 seconds, whatever the person presses
did-refresh-too-soon = The QR code was just refreshed. You can get the next one in a couple of seconds.
did-superseded =
    🪪 Digital ID: { $scenario }
    A new Digital ID was opened; this QR code no longer works.

# Verification: the outcome in words, on the /v/ page and for verifiers in the bot
verify-confirmed = Confirmed
verify-not-confirmed = Not confirmed
verify-checked-at = Checked { $time } (Moscow time)
verify-page-title = Digital ID check
verify-no-personal-data = The checker sees the outcome only: no name, birth date or phone number is passed on.
verify-page-not-spent = This page does not use up the QR code: a cashier can still check it as usual.
# The /v/ page refused: too many views from one address
verify-page-too-many = Too many checks from your address. Wait a minute and open the page again.
verify-reason-not_digital_id = This is not a Digital ID QR code.
verify-reason-malformed = The QR code is damaged or is not a Digital ID.
verify-reason-unknown_key = The QR code is signed with an unknown key.
verify-reason-bad_signature = The QR code's signature is wrong: the code is forged or damaged.
verify-reason-not_yet_valid = The QR code is not valid yet. Check the device's clock.
verify-reason-expired = The QR code has expired. Ask for a new one.
verify-reason-wrong_scenario = The QR code confirms a different status.
verify-reason-revoked = The Digital ID session has ended or was revoked.
verify-reason-replayed = This QR code has already been used. Ask for a new one.

# Verifier role in the bot
command-verify = Check a Digital ID
verifier-choose = What are you checking? Pick a status, then send a photo of the QR code or its text.
verifier-ready =
    Checking: { $scenario }.
    Send a photo of the QR code or the text in it. To change the status: /verify
verifier-choose-first = First pick what you are checking:
verifier-result-confirmed =
    ✅ Confirmed: { $scenario }
    { $checked }
verifier-result-not-confirmed =
    ❌ Not confirmed: { $scenario }
    { $reason }
    { $checked }
verifier-no-qr = No QR code found in the photo. Take it closer and straighter, without glare.
verifier-several-qr = There are several QR codes in the photo. Photograph just one.
verifier-image-too-large = The photo is too large. Send a smaller one.
verifier-busy = Too many checks right now. Send the photo again in a few seconds.

# Trusted contact
command-contact = Trusted contact
tc-not-linked = To name a trusted contact, first link your Gosuslugi account: /link
tc-refusal-NOT_LINKED = To name a trusted contact, first link your Gosuslugi account: /link
tc-refusal-UNCONFIRMED = Only a confirmed Gosuslugi account can name a trusted contact.
tc-refusal-UNDER_14 = A trusted contact can be named from the age of 14.
tc-refusal-BAD_PHONE = That does not look like a Russian mobile number. Example: +7 999 123-45-67.
tc-refusal-NAME_EMPTY = The name cannot be empty. What is the person's name?
tc-refusal-NAME_TOO_LONG = The name is too long: 64 characters at most.
tc-refusal-NAME_CONTROL = The name has characters that cannot be used. Write it as plain text.
tc-refusal-SELF = You cannot name yourself as your trusted contact.
tc-refusal-ALREADY_CONTACT = This person is already your trusted contact.
tc-overview-none = 👥 No trusted contact yet.
tc-overview-active = 👥 Your trusted contact: { $name } ({ $phone }).
tc-overview-invited = ✉️ The invitation for { $name } ({ $phone }) waits for an answer until { $until } (Moscow time).
tc-overview-helping = You are the trusted contact of: { $names }.
tc-overview-about = A trusted contact confirms password recovery for your account. They get no access to it and cannot act on your behalf.
tc-button-add = ➕ Name a trusted contact
tc-button-replace = 🔁 Replace the trusted contact
tc-button-remove = ✖️ Remove { $name }
tc-button-resend = 🔁 Send the invitation again
tc-button-cancel-invite = ✖️ Cancel the invitation
tc-button-stop-helping = ✖️ Stop helping { $name }
tc-ask-name = What is the name of the person you trust? Write the name.
tc-ask-phone = Write their mobile number (for example +7 999 123-45-67) or send their contact from your phone book.
tc-confirm = Name { $name } ({ $phone }) as your trusted contact? They get an invitation in this bot and can accept it.
tc-button-send-invite = ✅ Send the invitation
tc-form-cancelled = All right, nothing changes.
tc-invite-sent = The invitation is sent. If the number belongs to someone over 18 with a confirmed Gosuslugi account, they get it here when they open the bot. It is valid for { $days } days.
# At most three resent invitations an hour: each is shown as a resend
tc-invite-resent = The invitation was sent again ({ $count } of { $max } this hour).
tc-invite-resend-limit = An invitation can be sent again at most { $max } times an hour. Please try later.
tc-invite-cancelled = The invitation is cancelled.
# At most three new invitations an hour, as for resends: one answer, whatever number was typed
tc-invite-limit = At most { $max } new invitations can be sent an hour. You can send the next one after { $at } (Moscow time). An open invitation can be sent again: /contact
tc-invitation =
    👥 { $trustor } asks you to be their trusted contact on Gosuslugi.

    If someone tries to recover the password of their account, you get a request and can confirm or reject it. You get no access to their account.
tc-button-accept = ✅ Accept
tc-button-decline = ✖️ Decline
tc-accepted = Done: you are the trusted contact of { $trustor }.
tc-declined = You declined the invitation.
tc-invitation-accepted = ✅ { $name } accepted and is now your trusted contact.
tc-invitation-declined = { $name } declined to be your trusted contact.
tc-invitation-expired = The invitation for { $name } expired unanswered. You can send a new one: /contact
tc-now-contact = 👥 You are now the trusted contact of { $trustor }. If a password recovery request comes, call them first.
tc-replaced = { $trustor } chose another trusted contact. You are no longer their trusted contact.
tc-ended-for-trustor = You no longer have a trusted contact: the relationship ended. Name a new one: /contact
tc-ended-for-contact = You are no longer a trusted contact: the relationship ended.
tc-ended = The relationship has ended.
tc-press-NOT_YOURS = This button is not for you.
tc-press-NOT_PENDING = This is no longer current.
tc-press-CONTACT_FULL = You are already the trusted contact of five people, the most allowed.
tc-press-NOT_ELIGIBLE = A trusted contact must be 18 or older with a confirmed Gosuslugi account.

# Recovery
rc-prompt =
    🔐 A request to recover the Gosuslugi password of { $trustor }.

    ⚠️ Before you confirm, call them yourself on a number you know, and make sure they are recovering access themselves and nobody is telling them what to do. Fraudsters often pose as bank, police or Gosuslugi staff.
rc-reminder =
    ⏰ The password recovery request for { $trustor } still waits for your decision. Call them first.
rc-button-approve = ✅ Approve
rc-button-deny = ✖️ Deny
rc-trustor-told =
    🔐 Someone asked to recover the password of your Gosuslugi account. Your trusted contact has to confirm it.

    If it was not you, press the button below and the request is cancelled.
rc-button-not-me = 🚫 It was not me
rc-code-sent = A code was sent by SMS to { $phone }. Type it here to approve the recovery.
rc-code-wrong = Wrong code. Tries left: { $left }.
rc-code-locked = The code was typed wrong too many times: this request can no longer be approved with a code.
rc-code-expired = The code has expired. Press "Approve" again to get a new one.
rc-code-format = Type the 6 digits from the SMS, or press "Cancel".
rc-code-too-soon = A new code can be requested in { $seconds } s.
rc-code-daily-limit = Too many SMS were sent to this number today. Try again tomorrow.
rc-approved = ✅ You approved the password recovery.
rc-denied = You denied the recovery request.
rc-cancelled = The recovery request is cancelled.
rc-final-trustor-approved = ✅ Your trusted contact approved the password recovery. Gosuslugi will send you a temporary password.
rc-final-trustor-denied = Your trusted contact denied the password recovery request.
rc-final-trustor-cancelled = The password recovery request is cancelled.
rc-final-trustor-expired = The password recovery request expired: nobody decided in time.
rc-final-contact-approved = The password recovery is approved.
rc-final-contact-denied = The password recovery request is denied.
rc-final-contact-cancelled = The account's owner cancelled the password recovery request: nothing more to confirm.
rc-final-contact-expired = The password recovery request has expired.
# A pending recovery cancelled because its relationship ended (removed by either side,
# replaced, unlinked, blocked, no longer eligible): each side is told this once, instead of rc-final-*-cancelled.
rc-final-trustor-link-ended = The password recovery request is cancelled: the relationship with your trusted contact ended, so nobody can confirm it. If you still need the recovery, ask for it on Gosuslugi again.
rc-final-contact-link-ended = The password recovery request for { $trustor } is cancelled: you are no longer their trusted contact, so there is nothing to confirm.
sms-recovery-code = Code to confirm a password recovery: { $code }. Do not tell it to anyone, not even Gosuslugi staff.
tc-confirm-nudge = Press "Send the invitation" or "Cancel".
tc-button-open = 👥 My trusted contact

# Admins
command-admin = Admin commands
command-stats = Service statistics
command-whois = What the service knows about a person
command-revoke = Revoke a person's Digital ID
command-keys = Signing keys
command-rotate_key = Rotate the signing key
command-remove_key = Unpublish a key
command-block = Block a person
command-unblock = Unblock a person
command-grant = Grant a role
command-revoke_role = Take a role away
command-verifier_key = Issue a verifier API key
command-verifier_keys = Verifier API keys
command-revoke_verifier_key = Revoke a verifier API key
command-audit = Decisions and actions
admin-help =
    Admin commands:
    /stats — statistics
    /whois <phone | account id | @username | user id> — what the service knows about a person
    /revoke <person> — end their Digital ID (confirmed)
    /keys — signing keys; /rotate_key — rotate (confirmed); /remove_key <kid> — unpublish a retired key
    /block <person> <reason>, /unblock <person>
    /grant <person> <admin|verifier>, /revoke_role <person> <admin|verifier>
    /verifier_key <name> — an API key for a checkout (shown once)
    /verifier_keys — checkouts' API keys; /revoke_verifier_key <id> — revoke a key (confirmed)
    /audit [person] — decisions and actions
    /broadcast — an informational broadcast
admin-usage = An argument is missing or wrong. { $usage }
admin-unknown-person = The service knows no such person.
admin-ambiguous-person = Several people match; be more specific (a phone or @username).
admin-unknown-role = No such role. The roles are admin and verifier.
admin-not-linked = Roles go to a person with a linked Gosuslugi account; ask them to link it first (/link).
admin-confirm-revoke = End the Digital ID of { $who }? Their QR codes stop confirming at once.
admin-confirm-rotate = Rotate the signing key? Key { $kid } becomes retired and stays published.
admin-button-confirm = ✅ Confirm
admin-confirmation-stale = This confirmation was used or has expired. Run the command again.
admin-no-live-session = This person has no live Digital ID.
admin-revoked = Digital ID ended: its QR codes answer "revoked".
admin-rotated = New active key: { $active }. Key { $retired } is retired and published.
admin-key-removed = Key { $kid } is unpublished.
admin-key-not-removed = Key { $kid } was not removed: { $why }
admin-key-why-unknown = there is no such key.
admin-key-why-not_retired = only a retired key can be removed.
admin-key-why-too_soon = QR codes it signed may still be valid. Try again in a minute.
admin-blocked = Blocked: { $who }. Their live Digital ID ended and their trusted-contact relationships ended.
admin-already-blocked = This person is already blocked.
admin-unblocked = Unblocked: { $who }.
admin-not-blocked = This person is not blocked.
admin-granted = Role { $role } granted: { $who }.
admin-already-has-role = This person already has the role { $role }.
admin-role-revoked = Role { $role } taken away: { $who }.
admin-has-no-role = This person does not have the role { $role }.
admin-bootstrap-admin = This person is an admin from ADMIN_IDS; their role is set by configuration.
admin-verifier-key =
    API key for "{ $name }". It is shown once and not stored; save it now:
    { $key }
admin-bad-name = The name: one line, up to 64 characters, no control characters.
# Verifier API keys: the list and revocation (/verifier_keys, /revoke_verifier_key)
admin-verifier-keys-empty = There are no verifier API keys. To issue one: /verifier_key <name>
admin-verifier-keys-line =
    { $name } — { $state }
    id { $id }
    created { $created }, last used { $used } (UTC)
admin-verifier-key-state-active = active
admin-verifier-key-state-revoked = revoked
admin-verifier-key-unknown = There is no such API key. The keys: /verifier_keys
admin-verifier-key-already-revoked = Key "{ $name }" is already revoked.
admin-confirm-revoke-verifier-key = Revoke the API key "{ $name }" ({ $id })? The checkout using it stops checking QR codes at once; a revoked key cannot be restored, only replaced.
admin-verifier-key-revoked = Key "{ $name }" is revoked: the service no longer accepts it.
admin-verifier-key-revoked-late = Key "{ $name }" is revoked. Not every API process could be told at once (Redis is unreachable): they stop accepting the key within { $seconds } s.
admin-stats =
    📊 Statistics
    Linked people: { $linked }
    Live Digital IDs: { $live }
    Active trusted-contact relationships: { $relationships }
    Digital ID checks today: { $verifications }
    Verification page views today: { $pageViews }
    Recovery requests: { $recoveries }
    Queues: { $queue }
    Active signing key: { $kid }
admin-whois =
    👤 { $who }
    User: { $user }
    Account: { $account }
    Roles: { $roles }
    Blocked: { $blocked }
    Live Digital ID: { $session }
# Admin texts that were hard-coded in the bot: usage lines, the whois account line, key lines,
# and /block's confirmation naming what blocking ends.
admin-usage-whois = /whois <phone | id | @username>
admin-usage-revoke = /revoke <person>
admin-usage-block = /block <person> <reason>
admin-usage-unblock = /unblock <person>
admin-usage-grant = /grant <person> <admin|verifier>
admin-usage-revoke_role = /revoke_role <person> <admin|verifier>
admin-usage-audit = /audit [person]
admin-usage-remove_key = /remove_key <kid>
admin-whois-account = { $id }, { $phone }, { $confirmed ->
        [yes] confirmed
       *[no] not confirmed
    }, born { $year }
admin-key-line = kid { $kid } · { $status } · created { $created }{ $retired ->
        [none] {""}
       *[other] {" "}· retired { $retired }
    }
admin-confirm-block =
    Block { $who }? Reason: { $reason }.
    Blocking ends:
    • the live Digital ID: { $session ->
        [yes] yes, its QR codes stop confirming at once
       *[no] none
    }
    • trusted-contact relationships: { $relationships }
    • pending recovery requests on them: { $recoveries } (they are cancelled)
    The person is refused by every service until unblocked.
admin-audit-empty = No records.
admin-button-older = ⬅️ Older
admin-button-newer = Newer ➡️
blocked-refusal = Your access to the services is suspended. If this is a mistake, contact Gosuslugi support.
command-broadcast = Broadcast
admin-broadcast-ask = Send the broadcast's text: information about the services, up to { $max } characters. To cancel: /cancel
admin-broadcast-too-long = The text is too long: { $length } characters, { $max } at most. Send a shorter one.
admin-broadcast-preview = This is how people will see it (above). Whom to send it to?
admin-broadcast-all = Everyone who linked the bot ({ $n })
admin-broadcast-no-contact = Those without a trusted contact ({ $n })
admin-broadcast-confirm = Send the message to { $n } people?
admin-broadcast-send = 📣 Send
admin-broadcast-cancelled-form = The broadcast is cancelled; nothing was sent.
admin-broadcast-status =
    📣 Broadcast { $state }
    Sent: { $sent } · not delivered: { $failed } · cancelled: { $cancelled } · left: { $left }
admin-broadcast-state-running = running
admin-broadcast-state-done = finished
admin-broadcast-state-cancelled = stopped
admin-broadcast-stop = ⏹ Stop the broadcast
admin-broadcast-stopped = The broadcast is stopped.

## Open as app buttons: the Mini App's pages, offered in the menu, /id and /verify
app-button-digital-id = 📱 Open as app
app-button-scan = 📷 Cashier's scanner

## The citizen's Mini App page (api/app-page.ts); %s stands for the seconds left
app-page-title = Digital ID
app-page-loading = Loading…
app-page-pick = What to confirm?
app-page-refresh-in = New code in %s s
app-page-refreshing = Refreshing the code…
app-page-hint = Show the code at the checkout. It changes by itself; a screenshot soon goes stale.
app-page-stop = Close the code
app-page-again = Open again
app-page-back-to-chat = Back to the chat
app-page-no-launch-data = Open Digital ID with the button in the chat with the bot.
app-page-unauthorized = The app session is out of date. Open it again from the chat.
app-page-not-linked = First link your Gosuslugi account in the chat with the bot: /link.
app-page-not-eligible = Your Gosuslugi account is not confirmed. Digital ID is unavailable.
app-page-underage = Digital ID is available from the age of 18.
app-page-no-biometrics = Digital ID needs biometrics registered on Gosuslugi.
app-page-scenario-not-held = This status is not confirmed on Gosuslugi right now.
app-page-blocked = The service is not available to you. Please contact support.
app-page-ended = This code is closed: Digital ID was opened elsewhere, or it expired.
app-page-failed = Could not reach the service. Please try again.

## The cashier's scanner page (api/app-page/scan-page.ts)
app-scan-title = Digital ID scanner
app-scan-pick = What do you check?
app-scan-change = Check something else
app-scan-ready = Point the camera at a Digital ID QR code.
app-scan-checking = Checking…
app-scan-next = Next code
app-scan-no-launch-data = Open the scanner with the button in the chat with the bot.
app-scan-no-camera = No access to the camera. Allow it and open the scanner again.
app-scan-not-a-verifier = The scanner is for cashiers: your account does not hold the verifier role.
app-scan-rate-limited = Too many checks in a row. Please wait a little.
app-scan-lost = The answer was lost
app-scan-lost-hint = The connection dropped, and the code may have been counted already. Ask for a new QR code.
