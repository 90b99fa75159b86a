# Shared buttons and commands
button-back = ← Back to menu
button-digital-id = 🪪 Digital ID
button-trusted-contact = 🤝 Trusted contact
button-safety = 🛡 Staying safe from fraudsters
button-help = ❓ Help
command-start = Main menu
command-help = What this bot can do
command-safety = Safety advice

start-greeting =
    Hello, { $name }!

    This bot brings two state-services (Gosuslugi) features into the messenger:

    🪪 Digital ID — a QR code that proves your age or status (student, parent of a large family, participant of the special military operation or a family member, pensioner) without paper documents.

    🤝 Trusted contact — someone close to you, without whom nobody can recover the password of your Gosuslugi account. It protects you from fraudsters.

    What would you like to know about?

help =
    What this bot can do

    /start — main menu
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
    3. Show the QR code to the cashier or the self-service checkout. It refreshes every 30 seconds.

    What the checker sees. Only "confirmed" or "not confirmed" for the chosen scenario. Your name, date of birth and phone are not passed to organisations.

    Safety. Nobody else can use your Digital ID: the QR code lives for seconds and keeps refreshing. Do not forward screenshots of it.

info-trusted-contact =
    🤝 Trusted contact

    What it is. A person who confirms password recovery for your Gosuslugi account. If fraudsters talk you into it or try to reset your password by deception, access cannot be recovered without your trusted contact's consent.

    Who can connect it. A Russian citizen aged 14 or more with a confirmed Gosuslugi account and a current phone number.

    Who can be a trusted contact. A Russian citizen over 18 with a confirmed account and a current phone number. You can have one trusted contact; one person can be the trusted contact of at most five people. They get no access to your account — they only approve or deny a password recovery.

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

error-generic =
    The service is temporarily unavailable. Please try again in a minute.
