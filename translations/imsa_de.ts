<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de" sourcelanguage="en">
<context>
    <name>StatusText</name>
    <message>
        <source>%1 min</source>
        <translation>%1 Min.</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 Std. %2 Min.</translation>
    </message>
    <message>
        <source>%1 (role %2)</source>
        <translation>%1 (Rolle %2)</translation>
    </message>
    <message>
        <source>AWS did not accept the MFA code: %1</source>
        <translation>AWS hat den MFA-Code nicht akzeptiert: %1</translation>
    </message>
    <message>
        <source>Access denied: %1</source>
        <translation>Zugriff verweigert: %1</translation>
    </message>
    <message>
        <source>This computer&apos;s clock is off, so AWS refused the request: %1</source>
        <translation>Die Uhr dieses Computers geht falsch, deshalb hat AWS die Anfrage abgelehnt: %1</translation>
    </message>
    <message>
        <source>Cannot reach AWS STS: %1</source>
        <translation>AWS STS ist nicht erreichbar: %1</translation>
    </message>
    <message>
        <source>AWS STS is busy or failing, imsa keeps trying: %1</source>
        <translation>AWS STS ist überlastet oder gestört, imsa versucht es weiter: %1</translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation>%1 Std.</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>The access key of profile &apos;%1&apos; is not valid: %2</source>
        <translation>Der Zugriffsschlüssel von Profil „%1“ ist ungültig: %2</translation>
    </message>
    <message>
        <source>The secret key of profile &apos;%1&apos; does not match its access key.</source>
        <translation>Der geheime Schlüssel von Profil „%1“ passt nicht zu seinem Zugriffsschlüssel.</translation>
    </message>
    <message>
        <source>The MFA session of profile &apos;%1&apos; has expired.</source>
        <translation>Die MFA-Sitzung von Profil „%1“ ist abgelaufen.</translation>
    </message>
    <message>
        <source>The STS request of profile &apos;%1&apos; is not valid: %2</source>
        <translation>Die STS-Anfrage von Profil „%1“ ist ungültig: %2</translation>
    </message>
    <message>
        <source>The STS endpoint sent an answer imsa cannot read: %1</source>
        <translation>Der STS-Endpunkt hat eine Antwort geschickt, die imsa nicht lesen kann: %1</translation>
    </message>
    <message>
        <source>The STS call of profile &apos;%1&apos; failed: %2</source>
        <translation>Der STS-Aufruf von Profil „%1“ ist fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>abgelaufen</translation>
    </message>
    <message>
        <source>%1 left</source>
        <translation>noch %1</translation>
    </message>
    <message>
        <source>MFA session ends soon</source>
        <translation>MFA-Sitzung endet bald</translation>
    </message>
    <message>
        <source>MFA session ended</source>
        <translation>MFA-Sitzung beendet</translation>
    </message>
    <message>
        <source>Profile &apos;%1&apos; needs an IAM Identity Center sign-in: run imsa login %1</source>
        <translation>Profil &apos;%1&apos; braucht eine Anmeldung bei IAM Identity Center: imsa login %1 ausführen</translation>
    </message>
    <message>
        <source>The sign-in code for profile &apos;%1&apos; expired before it was approved; sign in again.</source>
        <translation>Der Anmeldecode für Profil &apos;%1&apos; ist abgelaufen, bevor er bestätigt wurde; bitte erneut anmelden.</translation>
    </message>
    <message>
        <source>The sign-in for profile &apos;%1&apos; was denied or cancelled.</source>
        <translation>Die Anmeldung für Profil &apos;%1&apos; wurde abgelehnt oder abgebrochen.</translation>
    </message>
    <message>
        <source>IAM Identity Center did not accept the sign-in for profile &apos;%1&apos; (check sso_start_url and sso_region): %2</source>
        <translation>IAM Identity Center hat die Anmeldung für Profil &apos;%1&apos; nicht angenommen (sso_start_url und sso_region prüfen): %2</translation>
    </message>
    <message>
        <source>Cannot reach IAM Identity Center: %1</source>
        <translation>IAM Identity Center ist nicht erreichbar: %1</translation>
    </message>
    <message>
        <source>IAM Identity Center is busy or failing: %1</source>
        <translation>IAM Identity Center ist überlastet oder gestört: %1</translation>
    </message>
    <message>
        <source>The sign-in for profile &apos;%1&apos; failed: %2</source>
        <translation>Die Anmeldung für Profil &apos;%1&apos; ist fehlgeschlagen: %2</translation>
    </message>
</context>
<context>
    <name>imsa::tray::AccessRequestDialog</name>
    <message>
        <source>imsa: allow access to %1?</source>
        <translation>imsa: Zugriff auf %1 erlauben?</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; wants credentials for &lt;b&gt;%2&lt;/b&gt;.</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; möchte Zugangsdaten für &lt;b&gt;%2&lt;/b&gt;.</translation>
    </message>
    <message>
        <source>The profile is set to ask first. The program got no credentials; if you allow it, run it again.</source>
        <translation>Das Profil fragt zuerst nach. Das Programm hat keine Zugangsdaten bekommen; wenn Sie es erlauben, starten Sie es erneut.</translation>
    </message>
    <message>
        <source>Executable:</source>
        <translation>Programmdatei:</translation>
    </message>
    <message>
        <source>Process:</source>
        <translation>Prozess:</translation>
    </message>
    <message>
        <source>Command line:</source>
        <translation>Befehlszeile:</translation>
    </message>
    <message>
        <source>Started by:</source>
        <translation>Gestartet von:</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>Allow once</source>
        <translation>Einmal erlauben</translation>
    </message>
    <message>
        <source>Serve this program for the next 10 minutes</source>
        <translation>Dieses Programm die nächsten 10 Minuten bedienen</translation>
    </message>
    <message>
        <source>Always allow</source>
        <translation>Immer erlauben</translation>
    </message>
    <message>
        <source>Same as: imsa allow %1 %2</source>
        <translation>Wie: imsa allow %1 %2</translation>
    </message>
    <message>
        <source>Deny</source>
        <translation>Ablehnen</translation>
    </message>
    <message>
        <source>Keep refusing it without asking again until imsa restarts</source>
        <translation>Weiter ablehnen, ohne bis zum Neustart von imsa erneut zu fragen</translation>
    </message>
</context>
<context>
    <name>imsa::tray::AccountPicker</name>
    <message>
        <source>Accounts and roles — imsa</source>
        <translation>Konten und Rollen — imsa</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Konto</translation>
    </message>
    <message>
        <source>Account ID</source>
        <translation>Konto-ID</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rolle</translation>
    </message>
    <message>
        <source>Sign-in</source>
        <translation>Anmeldung</translation>
    </message>
    <message>
        <source>Filter accounts and roles</source>
        <translation>Konten und Rollen filtern</translation>
    </message>
    <message>
        <source>Accounts and roles</source>
        <translation>Konten und Rollen</translation>
    </message>
    <message>
        <source>Listing accounts…</source>
        <translation>Konten werden abgerufen …</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Refresh the list</source>
        <translation>Liste aktualisieren</translation>
    </message>
    <message>
        <source>Use</source>
        <translation>Verwenden</translation>
    </message>
    <message>
        <source>Use the selected role</source>
        <translation>Ausgewählte Rolle verwenden</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Not signed in to %1.</source>
        <translation>Bei %1 nicht angemeldet.</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Anmelden</translation>
    </message>
    <message>
        <source>Sign in to %1</source>
        <translation>Bei %1 anmelden</translation>
    </message>
    <message>
        <source>%1 (in use)</source>
        <translation>%1 (in Verwendung)</translation>
    </message>
    <message>
        <source>%1, in use</source>
        <translation>%1, in Verwendung</translation>
    </message>
    <message>
        <source>1 role</source>
        <translation>1 Rolle</translation>
    </message>
    <message>
        <source>%1 roles</source>
        <translation>%1 Rollen</translation>
    </message>
    <message>
        <source>%1 of %2 roles</source>
        <translation>%1 von %2 Rollen</translation>
    </message>
    <message>
        <source>No IAM Identity Center sign-in is set up: add an sso-session section to ~/.aws/config to see your accounts here.</source>
        <translation>Keine Anmeldung bei IAM Identity Center eingerichtet: Fügen Sie ~/.aws/config einen Abschnitt sso-session hinzu, um Ihre Konten hier zu sehen.</translation>
    </message>
    <message>
        <source>Sign in to IAM Identity Center to see your AWS accounts and roles.</source>
        <translation>Melden Sie sich bei IAM Identity Center an, um Ihre AWS-Konten und -Rollen zu sehen.</translation>
    </message>
    <message>
        <source>IAM Identity Center gives you no AWS account.</source>
        <translation>Über IAM Identity Center steht Ihnen kein AWS-Konto zur Verfügung.</translation>
    </message>
    <message>
        <source>No account or role matches “%1”.</source>
        <translation>Kein Konto und keine Rolle passt zu „%1“.</translation>
    </message>
    <message>
        <source>The accounts could not be listed.</source>
        <translation>Die Konten konnten nicht abgerufen werden.</translation>
    </message>
</context>
<context>
    <name>imsa::tray::ApprovalList</name>
    <message>
        <source>Access</source>
        <translation>Zugriff</translation>
    </message>
    <message>
        <source>Approved programs</source>
        <translation>Freigegebene Programme</translation>
    </message>
    <message>
        <source>Revoke</source>
        <translation>Widerrufen</translation>
    </message>
    <message>
        <source>Revoke the selected approval</source>
        <translation>Die ausgewählte Freigabe widerrufen</translation>
    </message>
    <message>
        <source>access: allow — every program of yours gets the credentials; each use is logged (Recent use…).</source>
        <translation>access: allow — jedes Ihrer Programme erhält die Zugangsdaten; jede Verwendung wird protokolliert (Letzte Verwendung …).</translation>
    </message>
    <message>
        <source>access: notify — every program gets the credentials; a notification tells when a program takes them for the first time.</source>
        <translation>access: notify — jedes Programm erhält die Zugangsdaten; eine Benachrichtigung meldet, wenn ein Programm sie zum ersten Mal abruft.</translation>
    </message>
    <message>
        <source>access: ask — only the programs approved below get the credentials; imsa asks about any other.</source>
        <translation>access: ask — nur die unten freigegebenen Programme erhalten die Zugangsdaten; bei jedem anderen fragt imsa nach.</translation>
    </message>
    <message>
        <source>No program is approved for this profile.</source>
        <translation>Für dieses Profil ist kein Programm freigegeben.</translation>
    </message>
</context>
<context>
    <name>imsa::tray::KeyEditor</name>
    <message>
        <source>Access key</source>
        <translation>Zugriffsschlüssel</translation>
    </message>
    <message>
        <source>Save to key store</source>
        <translation>Im Schlüsselspeicher sichern</translation>
    </message>
    <message>
        <source>Move secret to keychain</source>
        <translation>Geheimen Schlüssel in den Schlüsselbund verschieben</translation>
    </message>
    <message>
        <source>Access key ID</source>
        <translation>Zugriffsschlüssel-ID</translation>
    </message>
    <message>
        <source>Secret access key</source>
        <translation>Geheimer Zugriffsschlüssel</translation>
    </message>
    <message>
        <source>The secret key is kept in the key store (%1). Enter new keys to replace them.</source>
        <translation>Der geheime Schlüssel liegt im Schlüsselspeicher (%1). Geben Sie neue Schlüssel ein, um ihn zu ersetzen.</translation>
    </message>
    <message>
        <source>The secret key is written in %1. Move it to the key store so that it no longer sits in a plain file.</source>
        <translation>Der geheime Schlüssel steht in %1. Verschieben Sie ihn in den Schlüsselspeicher, damit er nicht mehr in einer unverschlüsselten Datei liegt.</translation>
    </message>
    <message>
        <source>The secret key is written in %1; imsa reads it from there.</source>
        <translation>Der geheime Schlüssel steht in %1; imsa liest ihn von dort.</translation>
    </message>
    <message>
        <source>An access key ID is 16 or more capital letters and digits, like AKIAIOSFODNN7EXAMPLE.</source>
        <translation>Eine Zugriffsschlüssel-ID besteht aus 16 oder mehr Großbuchstaben und Ziffern, etwa AKIAIOSFODNN7EXAMPLE.</translation>
    </message>
    <message>
        <source>That does not look like a secret access key (40 characters, no spaces).</source>
        <translation>Das sieht nicht wie ein geheimer Zugriffsschlüssel aus (40 Zeichen, keine Leerzeichen).</translation>
    </message>
    <message>
        <source>The key store refused the keys: %1</source>
        <translation>Der Schlüsselspeicher hat die Schlüssel abgelehnt: %1</translation>
    </message>
    <message>
        <source>Saved the keys of %1 (%2) to the key store.</source>
        <translation>Die Schlüssel von %1 (%2) wurden im Schlüsselspeicher gesichert.</translation>
    </message>
    <message>
        <source>Cannot take the secret out of %1 safely: %2. Edit the file by hand.</source>
        <translation>Der geheime Schlüssel kann nicht sicher aus %1 entfernt werden: %2. Bitte bearbeiten Sie die Datei von Hand.</translation>
    </message>
    <message>
        <source>The key store refused the secret: %1</source>
        <translation>Der Schlüsselspeicher hat den geheimen Schlüssel abgelehnt: %1</translation>
    </message>
    <message>
        <source>Moved the secret of %1 to the key store. The old file, secret included, is in %2.bak: delete it once you have checked %2.</source>
        <translation>Der geheime Schlüssel von %1 wurde in den Schlüsselspeicher verschoben. Die alte Datei liegt samt Schlüssel in %2.bak: Löschen Sie sie, sobald Sie %2 geprüft haben.</translation>
    </message>
    <message>
        <source>Another change of keys is still under way; try again once it has finished.</source>
        <translation>Eine andere Änderung der Schlüssel läuft noch; versuchen Sie es erneut, sobald sie abgeschlossen ist.</translation>
    </message>
    <message>
        <source>The key store did not give the secret back as it was stored (%1), so it stays in %2.</source>
        <translation>Der Schlüsselspeicher hat den geheimen Schlüssel nicht so zurückgegeben, wie er gespeichert wurde (%1), daher bleibt er in %2.</translation>
    </message>
    <message>
        <source>The secret is now in the key store, but also still in %1, which could not be changed: %2</source>
        <translation>Der geheime Schlüssel ist jetzt im Schlüsselspeicher, aber auch noch in %1, das nicht geändert werden konnte: %2</translation>
    </message>
</context>
<context>
    <name>imsa::tray::MfaDialog</name>
    <message>
        <source>imsa: MFA code for %1</source>
        <translation>imsa: MFA-Code für %1</translation>
    </message>
    <message>
        <source>Enter the code your MFA device shows to use profile &lt;b&gt;%1&lt;/b&gt;.</source>
        <translation>Geben Sie den Code ein, den Ihr MFA-Gerät anzeigt, um das Profil &lt;b&gt;%1&lt;/b&gt; zu verwenden.</translation>
    </message>
    <message>
        <source>Device: %1</source>
        <translation>Gerät: %1</translation>
    </message>
    <message>
        <source>6 digits</source>
        <translation>6 Ziffern</translation>
    </message>
    <message>
        <source>MFA code</source>
        <translation>MFA-Code</translation>
    </message>
    <message>
        <source>Submit</source>
        <translation>Senden</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Checking the code with AWS…</source>
        <translation>Code wird bei AWS geprüft …</translation>
    </message>
</context>
<context>
    <name>imsa::tray::ProfilesWindow</name>
    <message>
        <source>Open AWS console</source>
        <translation>AWS-Konsole öffnen</translation>
    </message>
    <message>
        <source>imsa: Profiles and keys</source>
        <translation>imsa: Profile und Schlüssel</translation>
    </message>
    <message>
        <source>This profile has errors and cannot be used.</source>
        <translation>Dieses Profil enthält Fehler und kann nicht verwendet werden.</translation>
    </message>
    <message>
        <source>Last change not applied: %1</source>
        <translation>Letzte Änderung nicht übernommen: %1</translation>
    </message>
    <message>
        <source>No profiles yet: add them to ~/.imsa or ~/.aws/config.</source>
        <translation>Noch keine Profile: Legen Sie sie in ~/.imsa oder ~/.aws/config an.</translation>
    </message>
    <message>
        <source>Defined in</source>
        <translation>Definiert in</translation>
    </message>
    <message>
        <source>Keys of</source>
        <translation>Schlüssel von</translation>
    </message>
    <message>
        <source>Access key ID</source>
        <translation>Zugriffsschlüssel-ID</translation>
    </message>
    <message>
        <source>Secret access key</source>
        <translation>Geheimer Zugriffsschlüssel</translation>
    </message>
    <message>
        <source>in the key store</source>
        <translation>im Schlüsselspeicher</translation>
    </message>
    <message>
        <source>in %1</source>
        <translation>in %1</translation>
    </message>
    <message>
        <source>MFA device</source>
        <translation>MFA-Gerät</translation>
    </message>
    <message>
        <source>MFA session</source>
        <translation>MFA-Sitzung</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rolle</translation>
    </message>
    <message>
        <source>Role session name</source>
        <translation>Name der Rollensitzung</translation>
    </message>
    <message>
        <source>Role credentials</source>
        <translation>Rollen-Anmeldedaten</translation>
    </message>
    <message>
        <source>External ID</source>
        <translation>Externe ID</translation>
    </message>
    <message>
        <source>Region</source>
        <translation>Region</translation>
    </message>
    <message>
        <source>STS endpoint</source>
        <translation>STS-Endpunkt</translation>
    </message>
    <message>
        <source>STS region</source>
        <translation>STS-Region</translation>
    </message>
    <message>
        <source>MFA code command</source>
        <translation>Befehl für den MFA-Code</translation>
    </message>
    <message>
        <source>%1 (not usable)</source>
        <translation>%1 (nicht verwendbar)</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problem</translation>
    </message>
    <message>
        <source>%1, line %2</source>
        <translation>%1, Zeile %2</translation>
    </message>
    <message>
        <source>Profiles</source>
        <translation>Profile</translation>
    </message>
    <message>
        <source>Profile details</source>
        <translation>Profildetails</translation>
    </message>
</context>
<context>
    <name>imsa::tray::RecentUseModel</name>
    <message>
        <source>unknown program of uid %1 (%2)</source>
        <translation>unbekanntes Programm von UID %1 (%2)</translation>
    </message>
    <message>
        <source>unknown program (%1)</source>
        <translation>unbekanntes Programm (%1)</translation>
    </message>
    <message>
        <source>Executable: %1</source>
        <translation>Programmdatei: %1</translation>
    </message>
    <message>
        <source>Started by: %1</source>
        <translation>Gestartet von: %1</translation>
    </message>
    <message>
        <source>Last command line: %1</source>
        <translation>Letzte Befehlszeile: %1</translation>
    </message>
    <message>
        <source>Last process: %1</source>
        <translation>Letzter Prozess: %1</translation>
    </message>
    <message>
        <source>served</source>
        <translation>ausgegeben</translation>
    </message>
    <message>
        <source>denied</source>
        <translation>verweigert</translation>
    </message>
    <message>
        <source>Profile</source>
        <translation>Profil</translation>
    </message>
    <message>
        <source>Program</source>
        <translation>Programm</translation>
    </message>
    <message>
        <source>Last answer</source>
        <translation>Letzte Antwort</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>Anzahl</translation>
    </message>
    <message>
        <source>First seen</source>
        <translation>Zuerst gesehen</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>Zuletzt gesehen</translation>
    </message>
</context>
<context>
    <name>imsa::tray::RecentUseWindow</name>
    <message>
        <source>imsa: Recent use</source>
        <translation>imsa: Letzte Verwendung</translation>
    </message>
    <message>
        <source>Programs that asked for each profile&apos;s credentials. Hover over a program for its path and the program that started it.</source>
        <translation>Programme, die die Zugangsdaten eines Profils abgefragt haben. Zeigen Sie auf ein Programm, um seinen Pfad und das Programm zu sehen, das es gestartet hat.</translation>
    </message>
    <message>
        <source>Filter by profile or program</source>
        <translation>Nach Profil oder Programm filtern</translation>
    </message>
    <message>
        <source>Filter</source>
        <translation>Filter</translation>
    </message>
    <message>
        <source>Programs per profile</source>
        <translation>Programme je Profil</translation>
    </message>
</context>
<context>
    <name>imsa::tray::SsoSignInDialog</name>
    <message>
        <source>Sign in to IAM Identity Center</source>
        <translation>Bei IAM Identity Center anmelden</translation>
    </message>
    <message>
        <source>Approve this code in your browser to sign in profile &lt;b&gt;%1&lt;/b&gt; (session %2).</source>
        <translation>Bestätigen Sie diesen Code im Browser, um Profil &lt;b&gt;%1&lt;/b&gt; anzumelden (Sitzung %2).</translation>
    </message>
    <message>
        <source>Sign-in code</source>
        <translation>Anmeldecode</translation>
    </message>
    <message>
        <source>Sign-in page</source>
        <translation>Anmeldeseite</translation>
    </message>
    <message>
        <source>Time left</source>
        <translation>Verbleibende Zeit</translation>
    </message>
    <message>
        <source>Asking IAM Identity Center for a code…</source>
        <translation>Code wird bei IAM Identity Center angefordert …</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Meldung</translation>
    </message>
    <message>
        <source>Open browser</source>
        <translation>Browser öffnen</translation>
    </message>
    <message>
        <source>Copy code</source>
        <translation>Code kopieren</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Or open %1 and enter the code there.</source>
        <translation>Oder öffnen Sie %1 und geben Sie dort den Code ein.</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Time left: %1</source>
        <translation>Verbleibende Zeit: %1</translation>
    </message>
    <message>
        <source>The code has expired.</source>
        <translation>Der Code ist abgelaufen.</translation>
    </message>
    <message>
        <source>The code is on the clipboard.</source>
        <translation>Der Code ist in der Zwischenablage.</translation>
    </message>
</context>
<context>
    <name>imsa::tray::TrayController</name>
    <message>
        <source>no active profile</source>
        <translation>kein aktives Profil</translation>
    </message>
    <message>
        <source>inactive</source>
        <translation>inaktiv</translation>
    </message>
    <message>
        <source>MFA code needed</source>
        <translation>MFA-Code nötig</translation>
    </message>
    <message>
        <source>getting credentials…</source>
        <translation>Anmeldedaten werden geholt …</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>credentials renew automatically</source>
        <translation>Anmeldedaten erneuern sich automatisch</translation>
    </message>
    <message>
        <source>renewal failed, retrying</source>
        <translation>Erneuerung fehlgeschlagen, neuer Versuch läuft</translation>
    </message>
    <message>
        <source>MFA session ends in %1</source>
        <translation>MFA-Sitzung endet in %1</translation>
    </message>
    <message>
        <source>MFA session ended, credentials valid for %1</source>
        <translation>MFA-Sitzung beendet, Anmeldedaten noch %1 gültig</translation>
    </message>
    <message>
        <source>No active profile</source>
        <translation>Kein aktives Profil</translation>
    </message>
    <message>
        <source>imsa — %1</source>
        <translation>imsa — %1</translation>
    </message>
    <message>
        <source>No profiles: add them to ~/.imsa or ~/.aws/config</source>
        <translation>Keine Profile: in ~/.imsa oder ~/.aws/config anlegen</translation>
    </message>
    <message>
        <source>%1 (MFA %2)</source>
        <translation>%1 (MFA %2)</translation>
    </message>
    <message>
        <source>Renew now</source>
        <translation>Jetzt erneuern</translation>
    </message>
    <message>
        <source>Copy export command</source>
        <translation>export-Befehl kopieren</translation>
    </message>
    <message>
        <source>Copy env command</source>
        <translation>env-Befehl kopieren</translation>
    </message>
    <message>
        <source>Open AWS console</source>
        <translation>AWS-Konsole öffnen</translation>
    </message>
    <message>
        <source>Forget MFA session</source>
        <translation>MFA-Sitzung vergessen</translation>
    </message>
    <message>
        <source>Profiles and keys…</source>
        <translation>Profile und Schlüssel …</translation>
    </message>
    <message>
        <source>Start at login</source>
        <translation>Bei der Anmeldung starten</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Beenden</translation>
    </message>
    <message>
        <source>imsa needs your attention</source>
        <translation>imsa braucht Ihre Aufmerksamkeit</translation>
    </message>
    <message>
        <source>%1 needs a new MFA code. Click to renew.</source>
        <translation>%1 braucht einen neuen MFA-Code. Zum Erneuern klicken.</translation>
    </message>
    <message>
        <source>The MFA session of %1 ends in %2. Click to renew it now.</source>
        <translation>Die MFA-Sitzung von %1 endet in %2. Zum sofortigen Erneuern klicken.</translation>
    </message>
    <message>
        <source>Could not renew the credentials of %1</source>
        <translation>Die Anmeldedaten von %1 konnten nicht erneuert werden</translation>
    </message>
    <message>
        <source>Could not open the AWS console as %1</source>
        <translation>Die AWS-Konsole konnte nicht als %1 geöffnet werden</translation>
    </message>
    <message>
        <source>Sign in to IAM Identity Center…</source>
        <translation>Bei IAM Identity Center anmelden …</translation>
    </message>
    <message>
        <source>Sign-in needed for %1</source>
        <translation>%1 muss angemeldet werden</translation>
    </message>
    <message>
        <source>Accounts and roles…</source>
        <translation>Konten und Rollen …</translation>
    </message>
    <message>
        <source>Recent use…</source>
        <translation>Letzte Verwendung …</translation>
    </message>
</context>
<context>
    <name>imsa::tray::TrayIcon</name>
    <message>
        <source>Renew now</source>
        <translation>Jetzt erneuern</translation>
    </message>
</context>
</TS>
