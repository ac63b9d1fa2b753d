#include "mfainteraction.h"

#include "appcall.h"
#include "controlclient.h"
#include "ttyprompt.h"

namespace imsa::cli {

QCommandLineOption mfaCodeOption()
{
    return {QStringLiteral("mfa-code"),
            QStringLiteral(
                    "The current 6-digit code of the profile's MFA device, if one is needed."),
            QStringLiteral("CODE")};
}

std::optional<QJsonObject> callWithMfa(const QString &command, const QString &profile,
                                       const QString &givenCode, Io &io,
                                       const QJsonObject &extraArgs,
                                       const std::function<bool(const ipc::Error &)> &handles)
{
    ControlClient client;
    if (!connectOrComplain(client, io))
        return std::nullopt;

    TtyPrompt prompt;
    QString pendingCode = givenCode;
    QString giveUpReason;
    int wrongCodes = 0;
    QJsonObject args = extraArgs;
    args.insert(ipc::keys::profile, profile);

    QString serial;
    bool dialog = false;
    const auto askForCode = [&] {
        if (!pendingCode.isEmpty()) {
            client.post(ipc::commands::mfa,
                        {{ipc::keys::profile, profile}, {ipc::keys::code, pendingCode}});
            pendingCode.clear();
            return;
        }
        if (prompt.open()) {
            prompt.ask(QStringLiteral("MFA code for %1: ").arg(serial));
            return;
        }
        if (dialog) {
            io.err << "Enter the MFA code for " << serial << " in the imsa dialog.\n";
            io.err.flush();
            return;
        }
        giveUpReason = QStringLiteral("profile '%1' needs an MFA code for %2 and there is no "
                                      "terminal to ask on; pass --mfa-code CODE")
                               .arg(profile, serial);
        client.abort();
    };
    QObject::connect(&prompt, &TtyPrompt::answered, &client, [&](const QString &code) {
        client.post(ipc::commands::mfa, {{ipc::keys::profile, profile}, {ipc::keys::code, code}});
    });

    auto reply = client.call(command, args, [&](const QString &event, const QJsonObject &data) {
        if (event == ipc::events::mfaRequired) {
            serial = data.value(ipc::keys::mfaSerial).toString();
            dialog = data.value(ipc::keys::dialog).toBool();
            askForCode();
        } else if (event == ipc::events::mfaRejected) {
            io.err << data.value(ipc::keys::message).toString() << "\n";
            if (++wrongCodes >= maxWrongCodes) {
                giveUpReason = QStringLiteral("giving up after %1 wrong codes").arg(maxWrongCodes);
                client.abort();
                return;
            }
            askForCode();
        } else if (event == ipc::events::mfaSatisfied) {
            prompt.cancel(QStringLiteral("MFA code accepted."));
        }
    });
    prompt.cancel();
    if (!reply && giveUpReason.isEmpty() && handles && handles(reply.error()))
        return std::nullopt;
    if (!reply) {
        io.err << "imsa " << command << ": "
               << (giveUpReason.isEmpty() ? reply.error().message : giveUpReason) << "\n";
        return std::nullopt;
    }
    return reply.value();
}

} // namespace imsa::cli
