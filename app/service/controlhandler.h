#pragma once

#include <functional>

#include <QHash>
#include <QObject>
#include <QStringList>

#include "imsa/ipcmessage.h"

namespace imsa {
struct Profile;
} // namespace imsa

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
    /// controlhandlersso.cpp
    void ssoAccounts(ControlConnection &connection, const ipc::Request &request);

    /// controlhandlerlogin.cpp: the IAM Identity Center profile args.profile names (a profile,
    /// or the first profile of an sso-session), else the active or the only one; nullptr after
    /// replying with the error.
    const Profile *requireSsoTarget(ControlConnection &connection, const ipc::Request &request);
    /// controlhandlersso.cpp: removes the cached token of every session imsa's profiles use and
    /// ends it at the portal (best effort, bounded); `done(sessions ended)` runs afterwards.
    void endSsoSessions(std::function<void(int)> done);

    /// The profile named in args.profile, or nullptr after replying with the error.
    const Profile *requireProfile(ControlConnection &connection, const ipc::Request &request);

    Service &m_service;
};

} // namespace imsa::app
