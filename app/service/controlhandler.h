#pragma once

#include <functional>
#include <optional>

#include <QHash>
#include <QObject>
#include <QStringList>

#include "imsa/ipcmessage.h"
#include "imsa/profileloader.h"

namespace imsa::app {

class ControlConnection;
class Service;

/// Carries out the commands that arrive on the control socket, one method per command.
class ControlHandler final : public QObject
{
    Q_OBJECT

public:
    explicit ControlHandler(Service &service, QObject *parent = nullptr);

    void handle(imsa::app::ControlConnection *connection, const imsa::ipc::Request &request);

    /// The commands handle() carries out, for checking them against ipc::commands::all.
    static QStringList commandNames();

    /// An IAM Identity Center sign-in a command works on.
    struct SsoTarget
    {
        QString shown; ///< what the user called it: a profile or sso-session name
        SsoSettings signIn;
        const Profile *profile = nullptr; ///< the profile named, or the first using the sign-in
    };

private:
    using Command = void (ControlHandler::*)(ControlConnection &, const ipc::Request &);

    static const QHash<QString, Command> &commandTable();

    void status(ControlConnection &connection, const ipc::Request &request);
    void profiles(ControlConnection &connection, const ipc::Request &request);
    void assume(ControlConnection &connection, const ipc::Request &request);
    void credentials(ControlConnection &connection, const ipc::Request &request);
    void env(ControlConnection &connection, const ipc::Request &request);
    void mfa(ControlConnection &connection, const ipc::Request &request);
    void renew(ControlConnection &connection, const ipc::Request &request);
    void logout(ControlConnection &connection, const ipc::Request &request);
    void stop(ControlConnection &connection, const ipc::Request &request);
    void verifyEndpoint(ControlConnection &connection, const ipc::Request &request);
    void console(ControlConnection &connection, const ipc::Request &request);
    /// controlhandlerlogin.cpp
    void login(ControlConnection &connection, const ipc::Request &request);
    /// controlhandleraccess.cpp
    void allow(ControlConnection &connection, const ipc::Request &request);
    void deny(ControlConnection &connection, const ipc::Request &request);
    void changeApproval(ControlConnection &connection, const ipc::Request &request, bool approve);
    /// controlhandlersso.cpp
    void ssoAccounts(ControlConnection &connection, const ipc::Request &request);

    /// controlhandlerlogin.cpp: the sign-in args.profile names (a profile's, an sso-session, a
    /// legacy start URL), else the active profile's or the only one; none after replying with
    /// the error.
    std::optional<SsoTarget> requireSsoTarget(ControlConnection &connection,
                                              const ipc::Request &request);
    /// controlhandlersso.cpp: removes the cached token of every session imsa's profiles use and
    /// ends it at the portal (best effort, bounded); `done(sessions ended)` runs afterwards.
    void endSsoSessions(std::function<void(int)> done);

    /// Whether args.profile looks like "ACCOUNT-NAME/ROLE" and is not a profile (yet).
    bool namesUnlistedAccount(const ipc::Request &request) const;
    /// For an unknown "ACCOUNT-NAME/ROLE" `name`: what to do to get it (sign in, or look at the
    /// list); empty for any other name.
    QString unlistedAccountHint(const ProfileSet &set, const QString &name) const;
    /// The profile named in args.profile, or nullptr after replying with the error.
    const Profile *requireProfile(ControlConnection &connection, const ipc::Request &request);

    Service &m_service;
};

} // namespace imsa::app
