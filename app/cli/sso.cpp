// `imsa sso list` and `imsa sso profiles`: the accounts and roles a signed-in IAM Identity
// Center session may use, as a table, as JSON, or as ~/.aws/config sections.
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>

#include "appcall.h"
#include "imsa/ssoaccountprofile.h"

namespace imsa::cli {

namespace {

QStringList rolesOf(const QJsonObject &account)
{
    QStringList roles;
    for (const auto &role : account.value(ipc::keys::roles).toArray())
        roles.append(role.toString());
    return roles;
}

void printTable(const QList<QJsonObject> &accounts, Io &io)
{
    if (accounts.isEmpty()) {
        io.out << "This sign-in may use no AWS account.\n";
        return;
    }
    qsizetype nameWidth = 4;
    for (const QJsonObject &account : accounts)
        nameWidth = std::max(nameWidth, account.value(ipc::keys::accountName).toString().size());
    io.out << QStringLiteral("ACCOUNT").leftJustified(14)
           << QStringLiteral("NAME").leftJustified(nameWidth + 2) << "ROLES\n";
    for (const QJsonObject &account : accounts)
        io.out << account.value(ipc::keys::accountId).toString().leftJustified(14)
               << account.value(ipc::keys::accountName).toString().leftJustified(nameWidth + 2)
               << rolesOf(account).join(QStringLiteral(", ")) << "\n";
}

void printJson(const QList<QJsonObject> &accounts, Io &io)
{
    QJsonArray list;
    for (const QJsonObject &account : accounts)
        list.append(QJsonObject{
                {QStringLiteral("accountId"), account.value(ipc::keys::accountId)},
                {QStringLiteral("accountName"), account.value(ipc::keys::accountName)},
                {QStringLiteral("emailAddress"), account.value(ipc::keys::emailAddress)},
                {QStringLiteral("roles"), account.value(ipc::keys::roles)}});
    io.out << QJsonDocument(list).toJson(QJsonDocument::Indented);
}

/// `[profile ACCOUNT-NAME/ROLE]` sections, the names the tray's picker and `imsa assume` use; an
/// account name that several accounts share gets the account id added.
void printProfiles(const QList<QJsonObject> &accounts, const QJsonObject &session, Io &io)
{
    QHash<QString, int> nameUses;
    for (const QJsonObject &account : accounts)
        ++nameUses[account.value(ipc::keys::accountName).toString()];
    const QString sessionName = session.value(ipc::keys::ssoSession).toString();
    const QString region = session.value(ipc::keys::region).toString();
    io.out << "# IAM Identity Center accounts and roles of "
           << (sessionName.isEmpty() ? session.value(ipc::keys::ssoStartUrl).toString()
                                     : sessionName)
           << " (imsa sso profiles)\n";
    for (const QJsonObject &account : accounts) {
        const QString accountName = account.value(ipc::keys::accountName).toString();
        const QString accountId = account.value(ipc::keys::accountId).toString();
        const SsoAccount listed{accountId, accountName, {}};
        for (const QString &role : rolesOf(account)) {
            io.out << "\n[profile "
                   << ssoAccountProfileName(listed, role, nameUses.value(accountName) > 1) << "]\n";
            if (sessionName.isEmpty())
                io.out << "sso_start_url = " << session.value(ipc::keys::ssoStartUrl).toString()
                       << "\nsso_region = " << session.value(ipc::keys::ssoRegion).toString()
                       << "\n";
            else
                io.out << "sso_session = " << sessionName << "\n";
            io.out << "sso_account_id = " << accountId << "\nsso_role_name = " << role << "\n";
            if (!region.isEmpty())
                io.out << "region = " << region << "\n";
        }
    }
}

} // namespace

int runSso(const QStringList &arguments, Io &io)
{
    QCommandLineParser parser;
    const QCommandLineOption json(QStringLiteral("json"),
                                  QStringLiteral("list: print a JSON array of {accountId, "
                                                 "accountName, emailAddress, roles}."));
    parser.addOption(json);
    parser.addPositionalArgument(QStringLiteral("COMMAND"),
                                 QStringLiteral("list: the accounts and roles of the session; "
                                                "profiles: ~/.aws/config sections for them."),
                                 QStringLiteral("list|profiles"));
    parser.addPositionalArgument(QStringLiteral("PROFILE"),
                                 QStringLiteral("A signed-in IAM Identity Center profile or "
                                                "sso-session (default: as for imsa login)."),
                                 QStringLiteral("[PROFILE|SSO-SESSION]"));
    if (auto exit = parseArguments(
                parser, arguments, io,
                QStringLiteral("imsa sso list [PROFILE|SSO-SESSION] [--json]\n"
                               "imsa sso profiles [PROFILE|SSO-SESSION]\n\n"
                               "The AWS accounts and roles an IAM Identity Center sign-in (imsa "
                               "login) may use, without writing them into the configuration "
                               "first; `profiles` prints ~/.aws/config sections for them.")))
        return *exit;
    const QStringList positional = parser.positionalArguments();
    const QString command = positional.value(0);
    if (positional.size() > 2 || (command != u"list" && command != u"profiles")
        || (command == u"profiles" && parser.isSet(json))) {
        io.err << "imsa sso: expected list [PROFILE] [--json], or profiles [PROFILE]\n"
               << "Try 'imsa sso --help'.\n";
        return ExitUsage;
    }

    ControlClient client;
    if (!connectOrComplain(client, io))
        return ExitFailure;
    QList<QJsonObject> accounts;
    const auto reply =
            client.call(ipc::commands::ssoAccounts, {{ipc::keys::profile, positional.value(1)}},
                        [&accounts](const QString &event, const QJsonObject &account) {
                            if (event == ipc::events::ssoAccount)
                                accounts.append(account);
                        });
    if (!reply) {
        io.err << "imsa sso " << command << ": " << reply.error().message << "\n";
        return ExitFailure;
    }
    if (command == u"profiles")
        printProfiles(accounts, reply.value(), io);
    else if (parser.isSet(json))
        printJson(accounts, io);
    else
        printTable(accounts, io);
    return ExitOk;
}

} // namespace imsa::cli
