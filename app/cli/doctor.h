#pragma once

#include <functional>

#include "command.h"
#include "doctorchecks.h"

namespace imsa::cli {

/// What `imsa doctor` needs to know about the key store. The CLI links no key store: the
/// program's composition root (app/imsa/main.cpp) fills these in.
struct KeyStoreProbes
{
    std::function<KeychainProbe()> probeKeychain; ///< whether the Secret Service answers
    QString fileStorePath; ///< where the keys are kept without a keychain
};

/// `imsa doctor`: one line per check, exit 1 when any check fails.
int runDoctor(const QStringList &arguments, Io &io, const KeyStoreProbes &keyStore);

} // namespace imsa::cli
