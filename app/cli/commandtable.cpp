#include "command.h"
#include "doctor.h"
#include "runtime/prompt.h"

namespace imsa::cli {

namespace {

/// `imsa prompt` as imsa-cli runs it; `imsa` answers it without starting imsa-cli at all.
int runPrompt(const QStringList &arguments, Io &io)
{
    std::vector<std::string> rest;
    for (const QString &argument : arguments.mid(1))
        rest.push_back(argument.toStdString());
    std::string out;
    std::string err;
    const int status = runtime::runPrompt(rest, out, err);
    io.out << QString::fromStdString(out);
    io.err << QString::fromStdString(err);
    return status;
}

} // namespace

int runStart(const QStringList &, Io &);
int runAssume(const QStringList &, Io &);
int runExport(const QStringList &, Io &);
int runEnv(const QStringList &, Io &);
int runCredentialProcess(const QStringList &, Io &);
int runStatus(const QStringList &, Io &);
int runProfiles(const QStringList &, Io &);
int runLogout(const QStringList &, Io &);
int runStop(const QStringList &, Io &);
int runConsole(const QStringList &, Io &);
int runLogin(const QStringList &, Io &);
int runSso(const QStringList &, Io &);
int runLog(const QStringList &, Io &);
int runAllow(const QStringList &, Io &);
int runDeny(const QStringList &, Io &);
int runCompletion(const QStringList &, Io &);
int runCompleteProfiles(const QStringList &, Io &);

QList<Command> commands(const DoctorProbes &probes)
{
    return {
            {QLatin1StringView("start"), QLatin1StringView("Start imsa (tray or headless)."),
             runStart},
            {QLatin1StringView("stop"), QLatin1StringView("Stop the running imsa."), runStop},
            {QLatin1StringView("assume"),
             QLatin1StringView("Serve PROFILE to every AWS tool on this machine."), runAssume},
            {QLatin1StringView("export"),
             QLatin1StringView("Print PROFILE's credentials for eval."), runExport},
            {QLatin1StringView("env"),
             QLatin1StringView("Make one shell use PROFILE (container endpoint)."), runEnv},
            {QLatin1StringView("credential-process"),
             QLatin1StringView("Print credential_process JSON for PROFILE."), runCredentialProcess},
            {QLatin1StringView("login"),
             QLatin1StringView("Sign in to IAM Identity Center (AWS SSO) in the browser."),
             runLogin},
            {QLatin1StringView("sso"),
             QLatin1StringView("List the accounts and roles of an IAM Identity Center sign-in."),
             runSso},
            {QLatin1StringView("console"),
             QLatin1StringView("Open the AWS console signed in as PROFILE's role."), runConsole},
            {QLatin1StringView("status"),
             QLatin1StringView("Show what imsa serves and until when."), runStatus},
            {QLatin1StringView("prompt"),
             QLatin1StringView("Print the active profile and time left, for a shell prompt."),
             runPrompt},
            {QLatin1StringView("profiles"),
             QLatin1StringView("List profiles and where their keys are."), runProfiles},
            {QLatin1StringView("log"),
             QLatin1StringView("Show which programs took which profile's credentials."), runLog},
            {QLatin1StringView("allow"),
             QLatin1StringView("Let a program take an `access: ask` profile's credentials."),
             runAllow},
            {QLatin1StringView("deny"),
             QLatin1StringView("Withdraw a program's approval for a profile."), runDeny},
            {QLatin1StringView("logout"),
             QLatin1StringView("Forget the MFA session; end IAM Identity Center sign-ins."),
             runLogout},
            {QLatin1StringView("doctor"),
             QLatin1StringView("Check the whole chain from imsa to the AWS tools."),
             [probes](const QStringList &arguments, Io &io) {
                 return runDoctor(arguments, io, probes);
             }},
            {QLatin1StringView("completion"),
             QLatin1StringView("Print a bash, zsh or fish completion script."), runCompletion},
            {QLatin1StringView("__complete-profiles"), QLatin1StringView(), runCompleteProfiles},
    };
}

QStringList publicCommandNames()
{
    QStringList names;
    for (const Command &command : commands({})) {
        if (!command.summary.isEmpty())
            names.append(command.name);
    }
    return names;
}

} // namespace imsa::cli
