#pragma once

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

    /// The profile named in args.profile, or nullptr after replying with the error.
    const Profile *requireProfile(ControlConnection &connection, const ipc::Request &request);

    Service &m_service;
};

} // namespace imsa::app
