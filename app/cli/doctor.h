#pragma once

#include <functional>

#include "command.h"
#include "doctorchecks.h"

namespace imsa::cli {

/// What `imsa doctor` asks the apps' programs: the CLI links no key store, no D-Bus and no
/// display connection, so the program's composition root (app/imsa/main.cpp) fills these in.
struct DoctorProbes
{
    std::function<KeychainProbe()> probeKeychain; ///< whether the Secret Service answers
    QString fileStorePath; ///< where the keys are kept without a keychain
    /// The session's tray hosts; nullopt: no graphical session.
    std::function<std::optional<TrayHostProbe>()> probeTrayHost;
};

/// `imsa doctor`: one line per check, exit 1 when any check fails.
int runDoctor(const QStringList &arguments, Io &io, const DoctorProbes &probes);

} // namespace imsa::cli
