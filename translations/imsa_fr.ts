<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr" sourcelanguage="en">
<context>
    <name>StatusText</name>
    <message>
        <source>%1 min</source>
        <translation>%1 min</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <source>%1 (role %2)</source>
        <translation>%1 (rôle %2)</translation>
    </message>
    <message>
        <source>AWS did not accept the MFA code: %1</source>
        <translation>AWS n’a pas accepté le code MFA&#xa0;: %1</translation>
    </message>
    <message>
        <source>Access denied: %1</source>
        <translation>Accès refusé&#xa0;: %1</translation>
    </message>
    <message>
        <source>This computer&apos;s clock is off, so AWS refused the request: %1</source>
        <translation>L’horloge de cet ordinateur n’est pas à l’heure, AWS a donc refusé la requête&#xa0;: %1</translation>
    </message>
    <message>
        <source>Cannot reach AWS STS: %1</source>
        <translation>Impossible de joindre AWS STS&#xa0;: %1</translation>
    </message>
    <message>
        <source>AWS STS is busy or failing, imsa keeps trying: %1</source>
        <translation>AWS STS est surchargé ou en panne, imsa continue d’essayer&#xa0;: %1</translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation>%1 h</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>The access key of profile &apos;%1&apos; is not valid: %2</source>
        <translation>La clé d’accès du profil «&#xa0;%1&#xa0;» n’est pas valide&#xa0;: %2</translation>
    </message>
    <message>
        <source>The secret key of profile &apos;%1&apos; does not match its access key.</source>
        <translation>La clé secrète du profil «&#xa0;%1&#xa0;» ne correspond pas à sa clé d’accès.</translation>
    </message>
    <message>
        <source>The MFA session of profile &apos;%1&apos; has expired.</source>
        <translation>La session MFA du profil «&#xa0;%1&#xa0;» a expiré.</translation>
    </message>
    <message>
        <source>The STS request of profile &apos;%1&apos; is not valid: %2</source>
        <translation>La requête STS du profil «&#xa0;%1&#xa0;» n’est pas valide&#xa0;: %2</translation>
    </message>
    <message>
        <source>The STS endpoint sent an answer imsa cannot read: %1</source>
        <translation>Le point de terminaison STS a envoyé une réponse qu’imsa ne sait pas lire&#xa0;: %1</translation>
    </message>
    <message>
        <source>The STS call of profile &apos;%1&apos; failed: %2</source>
        <translation>L’appel STS du profil «&#xa0;%1&#xa0;» a échoué&#xa0;: %2</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>expiré</translation>
    </message>
    <message>
        <source>%1 left</source>
        <translation>encore %1</translation>
    </message>
    <message>
        <source>MFA session ends soon</source>
        <translation>La session MFA se termine bientôt</translation>
    </message>
    <message>
        <source>MFA session ended</source>
        <translation>Session MFA terminée</translation>
    </message>
    <message>
        <source>Profile &apos;%1&apos; needs an IAM Identity Center sign-in: run imsa login %1</source>
        <translation>Le profil &apos;%1&apos; demande une connexion à IAM Identity Center&#xa0;: lancez imsa login %1</translation>
    </message>
    <message>
        <source>The sign-in code for profile &apos;%1&apos; expired before it was approved; sign in again.</source>
        <translation>Le code de connexion du profil &apos;%1&apos; a expiré avant d&apos;être approuvé&#xa0;; connectez-vous à nouveau.</translation>
    </message>
    <message>
        <source>The sign-in for profile &apos;%1&apos; was denied or cancelled.</source>
        <translation>La connexion du profil &apos;%1&apos; a été refusée ou annulée.</translation>
    </message>
    <message>
        <source>IAM Identity Center did not accept the sign-in for profile &apos;%1&apos; (check sso_start_url and sso_region): %2</source>
        <translation>IAM Identity Center n&apos;a pas accepté la connexion du profil &apos;%1&apos; (vérifiez sso_start_url et sso_region)&#xa0;: %2</translation>
    </message>
    <message>
        <source>Cannot reach IAM Identity Center: %1</source>
        <translation>Impossible de joindre IAM Identity Center&#xa0;: %1</translation>
    </message>
    <message>
        <source>IAM Identity Center is busy or failing: %1</source>
        <translation>IAM Identity Center est surchargé ou en panne&#xa0;: %1</translation>
    </message>
    <message>
        <source>The sign-in for profile &apos;%1&apos; failed: %2</source>
        <translation>La connexion du profil &apos;%1&apos; a échoué&#xa0;: %2</translation>
    </message>
</context>
<context>
    <name>imsa::tray::AccessRequestDialog</name>
    <message>
        <source>imsa: allow access to %1?</source>
        <translation>imsa : autoriser l’accès à %1 ?</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; wants credentials for &lt;b&gt;%2&lt;/b&gt;.</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; demande les identifiants de &lt;b&gt;%2&lt;/b&gt;.</translation>
    </message>
    <message>
        <source>The profile is set to ask first. The program got no credentials; if you allow it, run it again.</source>
        <translation>Ce profil demande d’abord. Le programme n’a reçu aucun identifiant ; si vous l’autorisez, relancez-le.</translation>
    </message>
    <message>
        <source>Executable:</source>
        <translation>Exécutable :</translation>
    </message>
    <message>
        <source>Process:</source>
        <translation>Processus :</translation>
    </message>
    <message>
        <source>Command line:</source>
        <translation>Ligne de commande :</translation>
    </message>
    <message>
        <source>Started by:</source>
        <translation>Lancé par :</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>inconnu</translation>
    </message>
    <message>
        <source>Allow once</source>
        <translation>Autoriser une fois</translation>
    </message>
    <message>
        <source>Serve this program for the next 10 minutes</source>
        <translation>Servir ce programme pendant les 10 prochaines minutes</translation>
    </message>
    <message>
        <source>Always allow</source>
        <translation>Toujours autoriser</translation>
    </message>
    <message>
        <source>Same as: imsa allow %1 %2</source>
        <translation>Équivaut à : imsa allow %1 %2</translation>
    </message>
    <message>
        <source>Deny</source>
        <translation>Refuser</translation>
    </message>
    <message>
        <source>Keep refusing it without asking again until imsa restarts</source>
        <translation>Continuer à refuser sans redemander jusqu’au redémarrage d’imsa</translation>
    </message>
</context>
<context>
    <name>imsa::tray::AccountPicker</name>
    <message>
        <source>Accounts and roles — imsa</source>
        <translation>Comptes et rôles — imsa</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Compte</translation>
    </message>
    <message>
        <source>Account ID</source>
        <translation>ID du compte</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rôle</translation>
    </message>
    <message>
        <source>Sign-in</source>
        <translation>Connexion</translation>
    </message>
    <message>
        <source>Filter accounts and roles</source>
        <translation>Filtrer les comptes et les rôles</translation>
    </message>
    <message>
        <source>Accounts and roles</source>
        <translation>Comptes et rôles</translation>
    </message>
    <message>
        <source>Listing accounts…</source>
        <translation>Récupération des comptes…</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Actualiser</translation>
    </message>
    <message>
        <source>Refresh the list</source>
        <translation>Actualiser la liste</translation>
    </message>
    <message>
        <source>Use</source>
        <translation>Utiliser</translation>
    </message>
    <message>
        <source>Use the selected role</source>
        <translation>Utiliser le rôle sélectionné</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Fermer</translation>
    </message>
    <message>
        <source>Not signed in to %1.</source>
        <translation>Non connecté à %1.</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Se connecter</translation>
    </message>
    <message>
        <source>Sign in to %1</source>
        <translation>Se connecter à %1</translation>
    </message>
    <message>
        <source>%1 (in use)</source>
        <translation>%1 (en cours d’utilisation)</translation>
    </message>
    <message>
        <source>%1, in use</source>
        <translation>%1, en cours d’utilisation</translation>
    </message>
    <message>
        <source>1 role</source>
        <translation>1 rôle</translation>
    </message>
    <message>
        <source>%1 roles</source>
        <translation>%1 rôles</translation>
    </message>
    <message>
        <source>%1 of %2 roles</source>
        <translation>%1 sur %2 rôles</translation>
    </message>
    <message>
        <source>No IAM Identity Center sign-in is set up: add an sso-session section to ~/.aws/config to see your accounts here.</source>
        <translation>Aucune connexion IAM Identity Center n’est configurée&#xa0;: ajoutez une section sso-session à ~/.aws/config pour voir vos comptes ici.</translation>
    </message>
    <message>
        <source>Sign in to IAM Identity Center to see your AWS accounts and roles.</source>
        <translation>Connectez-vous à IAM Identity Center pour voir vos comptes et rôles AWS.</translation>
    </message>
    <message>
        <source>IAM Identity Center gives you no AWS account.</source>
        <translation>IAM Identity Center ne vous donne accès à aucun compte AWS.</translation>
    </message>
    <message>
        <source>No account or role matches “%1”.</source>
        <translation>Aucun compte ni rôle ne correspond à «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>The accounts could not be listed.</source>
        <translation>Impossible de récupérer les comptes.</translation>
    </message>
</context>
<context>
    <name>imsa::tray::ApprovalList</name>
    <message>
        <source>Access</source>
        <translation>Accès</translation>
    </message>
    <message>
        <source>Approved programs</source>
        <translation>Programmes autorisés</translation>
    </message>
    <message>
        <source>Revoke</source>
        <translation>Révoquer</translation>
    </message>
    <message>
        <source>Revoke the selected approval</source>
        <translation>Révoquer l&apos;autorisation sélectionnée</translation>
    </message>
    <message>
        <source>access: allow — every program of yours gets the credentials; each use is logged (Recent use…).</source>
        <translation>access: allow — chacun de vos programmes reçoit les identifiants ; chaque utilisation est journalisée (Utilisation récente…).</translation>
    </message>
    <message>
        <source>access: notify — every program gets the credentials; a notification tells when a program takes them for the first time.</source>
        <translation>access: notify — chaque programme reçoit les identifiants ; une notification signale la première fois qu&apos;un programme les prend.</translation>
    </message>
    <message>
        <source>access: ask — only the programs approved below get the credentials; imsa asks about any other.</source>
        <translation>access: ask — seuls les programmes autorisés ci-dessous reçoivent les identifiants ; imsa demande pour tout autre.</translation>
    </message>
    <message>
        <source>No program is approved for this profile.</source>
        <translation>Aucun programme n&apos;est autorisé pour ce profil.</translation>
    </message>
</context>
<context>
    <name>imsa::tray::KeyEditor</name>
    <message>
        <source>Access key</source>
        <translation>Clé d’accès</translation>
    </message>
    <message>
        <source>Save to key store</source>
        <translation>Enregistrer dans le trousseau</translation>
    </message>
    <message>
        <source>Move secret to keychain</source>
        <translation>Déplacer la clé secrète dans le trousseau</translation>
    </message>
    <message>
        <source>Access key ID</source>
        <translation>ID de clé d’accès</translation>
    </message>
    <message>
        <source>Secret access key</source>
        <translation>Clé d’accès secrète</translation>
    </message>
    <message>
        <source>The secret key is kept in the key store (%1). Enter new keys to replace them.</source>
        <translation>La clé secrète est conservée dans le trousseau (%1). Saisissez de nouvelles clés pour la remplacer.</translation>
    </message>
    <message>
        <source>The secret key is written in %1. Move it to the key store so that it no longer sits in a plain file.</source>
        <translation>La clé secrète est écrite dans %1. Déplacez-la dans le trousseau pour qu’elle ne reste plus dans un fichier en clair.</translation>
    </message>
    <message>
        <source>The secret key is written in %1; imsa reads it from there.</source>
        <translation>La clé secrète est écrite dans %1&#xa0;; imsa la lit depuis ce fichier.</translation>
    </message>
    <message>
        <source>An access key ID is 16 or more capital letters and digits, like AKIAIOSFODNN7EXAMPLE.</source>
        <translation>Un ID de clé d’accès compte au moins 16 lettres majuscules et chiffres, comme AKIAIOSFODNN7EXAMPLE.</translation>
    </message>
    <message>
        <source>That does not look like a secret access key (40 characters, no spaces).</source>
        <translation>Cela ne ressemble pas à une clé d’accès secrète (40 caractères, sans espaces).</translation>
    </message>
    <message>
        <source>The key store refused the keys: %1</source>
        <translation>Le trousseau a refusé les clés&#xa0;: %1</translation>
    </message>
    <message>
        <source>Saved the keys of %1 (%2) to the key store.</source>
        <translation>Les clés de %1 (%2) ont été enregistrées dans le trousseau.</translation>
    </message>
    <message>
        <source>Cannot take the secret out of %1 safely: %2. Edit the file by hand.</source>
        <translation>Impossible de retirer la clé secrète de %1 sans risque&#xa0;: %2. Modifiez le fichier à la main.</translation>
    </message>
    <message>
        <source>The key store refused the secret: %1</source>
        <translation>Le trousseau a refusé la clé secrète&#xa0;: %1</translation>
    </message>
    <message>
        <source>Moved the secret of %1 to the key store. The old file, secret included, is in %2.bak: delete it once you have checked %2.</source>
        <translation>La clé secrète de %1 a été déplacée dans le trousseau. L’ancien fichier, clé comprise, se trouve dans %2.bak&#xa0;: supprimez-le après avoir vérifié %2.</translation>
    </message>
    <message>
        <source>Another change of keys is still under way; try again once it has finished.</source>
        <translation>Une autre modification des clés est en cours&#xa0;; réessayez une fois qu’elle sera terminée.</translation>
    </message>
    <message>
        <source>The key store did not give the secret back as it was stored (%1), so it stays in %2.</source>
        <translation>Le trousseau n’a pas rendu la clé secrète telle qu’elle a été enregistrée (%1)&#xa0;; elle reste donc dans %2.</translation>
    </message>
    <message>
        <source>The secret is now in the key store, but also still in %1, which could not be changed: %2</source>
        <translation>La clé secrète est maintenant dans le trousseau, mais aussi toujours dans %1, qui n’a pas pu être modifié&#xa0;: %2</translation>
    </message>
</context>
<context>
    <name>imsa::tray::MfaDialog</name>
    <message>
        <source>imsa: MFA code for %1</source>
        <translation>imsa&#xa0;: code MFA pour %1</translation>
    </message>
    <message>
        <source>Enter the code your MFA device shows to use profile &lt;b&gt;%1&lt;/b&gt;.</source>
        <translation>Saisissez le code affiché par votre appareil MFA pour utiliser le profil &lt;b&gt;%1&lt;/b&gt;.</translation>
    </message>
    <message>
        <source>Device: %1</source>
        <translation>Appareil&#xa0;: %1</translation>
    </message>
    <message>
        <source>6 digits</source>
        <translation>6 chiffres</translation>
    </message>
    <message>
        <source>MFA code</source>
        <translation>Code MFA</translation>
    </message>
    <message>
        <source>Submit</source>
        <translation>Valider</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Checking the code with AWS…</source>
        <translation>Vérification du code auprès d’AWS…</translation>
    </message>
</context>
<context>
    <name>imsa::tray::ProfilesWindow</name>
    <message>
        <source>Open AWS console</source>
        <translation>Ouvrir la console AWS</translation>
    </message>
    <message>
        <source>imsa: Profiles and keys</source>
        <translation>imsa&#xa0;: profils et clés</translation>
    </message>
    <message>
        <source>This profile has errors and cannot be used.</source>
        <translation>Ce profil contient des erreurs et ne peut pas être utilisé.</translation>
    </message>
    <message>
        <source>Last change not applied: %1</source>
        <translation>Dernière modification non appliquée&#xa0;: %1</translation>
    </message>
    <message>
        <source>No profiles yet: add them to ~/.imsa or ~/.aws/config.</source>
        <translation>Aucun profil pour l’instant&#xa0;: ajoutez-en dans ~/.imsa ou ~/.aws/config.</translation>
    </message>
    <message>
        <source>Defined in</source>
        <translation>Défini dans</translation>
    </message>
    <message>
        <source>Keys of</source>
        <translation>Clés de</translation>
    </message>
    <message>
        <source>Access key ID</source>
        <translation>ID de clé d’accès</translation>
    </message>
    <message>
        <source>Secret access key</source>
        <translation>Clé d’accès secrète</translation>
    </message>
    <message>
        <source>in the key store</source>
        <translation>dans le trousseau</translation>
    </message>
    <message>
        <source>in %1</source>
        <translation>dans %1</translation>
    </message>
    <message>
        <source>MFA device</source>
        <translation>Appareil MFA</translation>
    </message>
    <message>
        <source>MFA session</source>
        <translation>Session MFA</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rôle</translation>
    </message>
    <message>
        <source>Role session name</source>
        <translation>Nom de session du rôle</translation>
    </message>
    <message>
        <source>Role credentials</source>
        <translation>Identifiants du rôle</translation>
    </message>
    <message>
        <source>External ID</source>
        <translation>ID externe</translation>
    </message>
    <message>
        <source>Region</source>
        <translation>Région</translation>
    </message>
    <message>
        <source>STS endpoint</source>
        <translation>Point de terminaison STS</translation>
    </message>
    <message>
        <source>STS region</source>
        <translation>Région STS</translation>
    </message>
    <message>
        <source>MFA code command</source>
        <translation>Commande du code MFA</translation>
    </message>
    <message>
        <source>%1 (not usable)</source>
        <translation>%1 (inutilisable)</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problème</translation>
    </message>
    <message>
        <source>%1, line %2</source>
        <translation>%1, ligne %2</translation>
    </message>
    <message>
        <source>Profiles</source>
        <translation>Profils</translation>
    </message>
    <message>
        <source>Profile details</source>
        <translation>Détails du profil</translation>
    </message>
</context>
<context>
    <name>imsa::tray::RecentUseModel</name>
    <message>
        <source>unknown program of uid %1 (%2)</source>
        <translation>programme inconnu de l&apos;uid %1 (%2)</translation>
    </message>
    <message>
        <source>unknown program (%1)</source>
        <translation>programme inconnu (%1)</translation>
    </message>
    <message>
        <source>Executable: %1</source>
        <translation>Exécutable : %1</translation>
    </message>
    <message>
        <source>Started by: %1</source>
        <translation>Lancé par : %1</translation>
    </message>
    <message>
        <source>Last command line: %1</source>
        <translation>Dernière ligne de commande : %1</translation>
    </message>
    <message>
        <source>Last process: %1</source>
        <translation>Dernier processus : %1</translation>
    </message>
    <message>
        <source>served</source>
        <translation>servi</translation>
    </message>
    <message>
        <source>denied</source>
        <translation>refusé</translation>
    </message>
    <message>
        <source>Profile</source>
        <translation>Profil</translation>
    </message>
    <message>
        <source>Program</source>
        <translation>Programme</translation>
    </message>
    <message>
        <source>Last answer</source>
        <translation>Dernière réponse</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>First seen</source>
        <translation>Vu la première fois</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>Vu la dernière fois</translation>
    </message>
</context>
<context>
    <name>imsa::tray::RecentUseWindow</name>
    <message>
        <source>imsa: Recent use</source>
        <translation>imsa : Utilisation récente</translation>
    </message>
    <message>
        <source>Programs that asked for each profile&apos;s credentials. Hover over a program for its path and the program that started it.</source>
        <translation>Programmes qui ont demandé les identifiants de chaque profil. Survolez un programme pour voir son chemin et le programme qui l&apos;a lancé.</translation>
    </message>
    <message>
        <source>Filter by profile or program</source>
        <translation>Filtrer par profil ou programme</translation>
    </message>
    <message>
        <source>Filter</source>
        <translation>Filtre</translation>
    </message>
    <message>
        <source>Programs per profile</source>
        <translation>Programmes par profil</translation>
    </message>
</context>
<context>
    <name>imsa::tray::SsoSignInDialog</name>
    <message>
        <source>Sign in to IAM Identity Center</source>
        <translation>Se connecter à IAM Identity Center</translation>
    </message>
    <message>
        <source>Approve this code in your browser to sign in profile &lt;b&gt;%1&lt;/b&gt; (session %2).</source>
        <translation>Approuvez ce code dans votre navigateur pour connecter le profil &lt;b&gt;%1&lt;/b&gt; (session %2).</translation>
    </message>
    <message>
        <source>Sign-in code</source>
        <translation>Code de connexion</translation>
    </message>
    <message>
        <source>Sign-in page</source>
        <translation>Page de connexion</translation>
    </message>
    <message>
        <source>Time left</source>
        <translation>Temps restant</translation>
    </message>
    <message>
        <source>Asking IAM Identity Center for a code…</source>
        <translation>Demande d’un code à IAM Identity Center…</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Message</translation>
    </message>
    <message>
        <source>Open browser</source>
        <translation>Ouvrir le navigateur</translation>
    </message>
    <message>
        <source>Copy code</source>
        <translation>Copier le code</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Or open %1 and enter the code there.</source>
        <translation>Ou ouvrez %1 et saisissez-y le code.</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Fermer</translation>
    </message>
    <message>
        <source>Time left: %1</source>
        <translation>Temps restant&#xa0;: %1</translation>
    </message>
    <message>
        <source>The code has expired.</source>
        <translation>Le code a expiré.</translation>
    </message>
    <message>
        <source>The code is on the clipboard.</source>
        <translation>Le code est dans le presse-papiers.</translation>
    </message>
</context>
<context>
    <name>imsa::tray::TrayController</name>
    <message>
        <source>no active profile</source>
        <translation>aucun profil actif</translation>
    </message>
    <message>
        <source>inactive</source>
        <translation>inactif</translation>
    </message>
    <message>
        <source>MFA code needed</source>
        <translation>code MFA requis</translation>
    </message>
    <message>
        <source>getting credentials…</source>
        <translation>obtention des identifiants…</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>échec</translation>
    </message>
    <message>
        <source>credentials renew automatically</source>
        <translation>les identifiants se renouvellent automatiquement</translation>
    </message>
    <message>
        <source>renewal failed, retrying</source>
        <translation>échec du renouvellement, nouvel essai en cours</translation>
    </message>
    <message>
        <source>MFA session ends in %1</source>
        <translation>la session MFA se termine dans %1</translation>
    </message>
    <message>
        <source>MFA session ended, credentials valid for %1</source>
        <translation>session MFA terminée, identifiants encore valables %1</translation>
    </message>
    <message>
        <source>No active profile</source>
        <translation>Aucun profil actif</translation>
    </message>
    <message>
        <source>imsa — %1</source>
        <translation>imsa — %1</translation>
    </message>
    <message>
        <source>No profiles: add them to ~/.imsa or ~/.aws/config</source>
        <translation>Aucun profil&#xa0;: ajoutez-en dans ~/.imsa ou ~/.aws/config</translation>
    </message>
    <message>
        <source>%1 (MFA %2)</source>
        <translation>%1 (MFA %2)</translation>
    </message>
    <message>
        <source>Renew now</source>
        <translation>Renouveler maintenant</translation>
    </message>
    <message>
        <source>Copy export command</source>
        <translation>Copier la commande export</translation>
    </message>
    <message>
        <source>Copy env command</source>
        <translation>Copier la commande env</translation>
    </message>
    <message>
        <source>Open AWS console</source>
        <translation>Ouvrir la console AWS</translation>
    </message>
    <message>
        <source>Forget MFA session</source>
        <translation>Oublier la session MFA</translation>
    </message>
    <message>
        <source>Profiles and keys…</source>
        <translation>Profils et clés…</translation>
    </message>
    <message>
        <source>Start at login</source>
        <translation>Lancer à l’ouverture de session</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Quitter</translation>
    </message>
    <message>
        <source>imsa needs your attention</source>
        <translation>imsa a besoin de votre attention</translation>
    </message>
    <message>
        <source>%1 needs a new MFA code. Click to renew.</source>
        <translation>%1 a besoin d’un nouveau code MFA. Cliquez pour renouveler.</translation>
    </message>
    <message>
        <source>The MFA session of %1 ends in %2. Click to renew it now.</source>
        <translation>La session MFA de %1 se termine dans %2. Cliquez pour la renouveler maintenant.</translation>
    </message>
    <message>
        <source>Could not renew the credentials of %1</source>
        <translation>Impossible de renouveler les identifiants de %1</translation>
    </message>
    <message>
        <source>Could not open the AWS console as %1</source>
        <translation>Impossible d’ouvrir la console AWS en tant que %1</translation>
    </message>
    <message>
        <source>Sign in to IAM Identity Center…</source>
        <translation>Se connecter à IAM Identity Center…</translation>
    </message>
    <message>
        <source>Sign-in needed for %1</source>
        <translation>Connexion requise pour %1</translation>
    </message>
    <message>
        <source>Accounts and roles…</source>
        <translation>Comptes et rôles…</translation>
    </message>
    <message>
        <source>Recent use…</source>
        <translation>Utilisation récente…</translation>
    </message>
</context>
<context>
    <name>imsa::tray::TrayIcon</name>
    <message>
        <source>Renew now</source>
        <translation>Renouveler maintenant</translation>
    </message>
</context>
</TS>
