// The control commands of the access guard (issue #16): approving programs for `access: ask`
// profiles from a terminal.
#include "accessguard.h"
#include "approvalstore.h"
#include "controlhandler.h"
#include "controlserver.h"
#include "imsa/logging.h"
#include "service.h"

namespace imsa::app {

void ControlHandler::allow(ControlConnection &connection, const ipc::Request &request)
{
    changeApproval(connection, request, true);
}

void ControlHandler::deny(ControlConnection &connection, const ipc::Request &request)
{
    changeApproval(connection, request, false);
}

void ControlHandler::changeApproval(ControlConnection &connection, const ipc::Request &request,
                                    bool approve)
{
    const Profile *profile = requireProfile(connection, request);
    if (!profile)
        return;
    const QString program = request.args.value(ipc::keys::program).toString();
    AccessGuard *guard = m_service.accessGuard();
    if (program.isEmpty() || !guard) {
        connection.sendError(request.id,
                             {QString(ipc::errors::badRequest),
                              program.isEmpty() ? QStringLiteral("no program given")
                                                : QStringLiteral("imsa is still starting")});
        return;
    }
    const Result<Done, Failure> saved = approve ? guard->approvals().approve(profile->name, program)
                                                : guard->approvals().revoke(profile->name, program);
    if (!saved) {
        connection.sendError(request.id,
                             {QString(ipc::errors::notAvailable), saved.error().message});
        return;
    }
    qCInfo(lcIpc).noquote() << (approve ? "approved" : "withdrew the approval of") << program
                            << "for profile" << profile->name;
    connection.sendReply(request.id,
                         {{ipc::keys::profile, profile->name},
                          {ipc::keys::program, program},
                          {ipc::keys::active, approve}});
}

} // namespace imsa::app
