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
                                       const QString &givenCode, Io &io)
{
    ControlClient client;
    if (!connectOrComplain(client, io))
        return std::nullopt;

    TtyPrompt prompt;
    QString pendingCode = givenCode;
    QString giveUpReason;
    int wrongCodes = 0;
    const QJsonObject args{{QStringLiteral("profile"), profile}};

    QString serial;
    bool dialog = false;
    const auto askForCode = [&] {
        if (!pendingCode.isEmpty()) {
            client.post(
                    QStringLiteral("mfa"),
                    {{QStringLiteral("profile"), profile}, {QStringLiteral("code"), pendingCode}});
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
        client.post(QStringLiteral("mfa"),
                    {{QStringLiteral("profile"), profile}, {QStringLiteral("code"), code}});
    });

    auto reply = client.call(command, args, [&](const QString &event, const QJsonObject &data) {
        if (event == QLatin1StringView("mfa-required")) {
            serial = data.value(u"mfa_serial").toString();
            dialog = data.value(u"dialog").toBool();
            askForCode();
        } else if (event == QLatin1StringView("mfa-rejected")) {
            io.err << data.value(u"message").toString() << "\n";
            if (++wrongCodes >= maxWrongCodes) {
                giveUpReason = QStringLiteral("giving up after %1 wrong codes").arg(maxWrongCodes);
                client.abort();
                return;
            }
            askForCode();
        } else if (event == QLatin1StringView("mfa-satisfied")) {
            prompt.cancel(QStringLiteral("MFA code accepted."));
        }
    });
    prompt.cancel();
    if (!reply) {
        io.err << "imsa " << command << ": "
               << (giveUpReason.isEmpty() ? reply.error().message : giveUpReason) << "\n";
        return std::nullopt;
    }
    return reply.value();
}

} // namespace imsa::cli
