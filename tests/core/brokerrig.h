#pragma once

#include <algorithm>
#include <memory>

#include <QCoreApplication>
#include <QProcessEnvironment>
#include <QString>

#include "../fakes/fakeclock.h"
#include "../fakes/fakessosource.h"
#include "../fakes/fakests.h"
#include "../fakes/memorykeystore.h"
#include "imsa/credentialbroker.h"
#include "imsa/profile.h"

// What tst_credentialbroker and tst_credentialbrokermfa share: a broker wired to a FakeClock,
// a FakeSts, a FakeSsoSource and a MemoryKeyStore, and the profiles they use.
namespace imsa::test {

inline const QString aliceMfaSerial = QStringLiteral("arn:aws:iam::123456789012:mfa/alice");
inline const QString baseKeyId = QStringLiteral("AKIAIOSFODNN7EXAMPLE");
inline const QString baseSecret = QStringLiteral("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
inline const QString validCode = QStringLiteral("123456");

/// A base profile with keys in its file, with or without alice's MFA device.
inline Profile baseProfile(bool withMfa = true, const QString &name = QStringLiteral("base"))
{
    Profile profile;
    profile.name = name;
    profile.keyProfile = name;
    profile.accessKeyId = baseKeyId;
    profile.secretAccessKey = baseSecret;
    profile.region = QStringLiteral("eu-west-1");
    if (withMfa)
        profile.mfaSerial = aliceMfaSerial;
    return profile;
}

/// `base` extended with a role of account 123456789012.
inline Profile roleProfile(const Profile &base, const QString &name, const QString &role)
{
    Profile profile = base;
    profile.name = name;
    profile.roleArn = QStringLiteral("arn:aws:iam::123456789012:role/") + role;
    return profile;
}

/// A role on a base without MFA: AssumeRole straight with the base keys.
inline Profile directRole(const QString &name = QStringLiteral("direct"),
                          const QString &role = QStringLiteral("Admin"))
{
    return roleProfile(baseProfile(false), name, role);
}

class BrokerRig
{
public:
    BrokerRig() { restart(); }

    /// A new broker on the same clock, STS and key store: what an app restart looks like.
    void restart()
    {
        broker.reset();
        broker = std::make_unique<CredentialBroker>(sts, store, clock);
        broker->setEnvironment(QProcessEnvironment());
        broker->setSsoSource(&sso);
        broker->setRetryJitter([] {
            return 0.0;
        });
    }

    /// Delivers queued STS, SSO and key store answers, and whatever they start, until the fakes
    /// are idle. Bounded: false if the broker keeps calling (a refresh loop).
    [[nodiscard]] bool settle()
    {
        for (int round = 0; round < 100; ++round) {
            if (sts.queuedCount() == 0 && store.queuedCount() == 0 && sso.queuedCount() == 0)
                return true;
            QCoreApplication::processEvents();
        }
        return false;
    }

    /// Moves the clock forward in steps, settling after each like a running app would.
    [[nodiscard]] bool advance(qint64 seconds, qint64 step = 60)
    {
        for (qint64 done = 0; done < seconds; done += step) {
            clock.advance(std::min(step, seconds - done));
            if (!settle())
                return false;
        }
        return true;
    }

    /// Activates `profile`, answers the MFA prompt if one comes, and waits for the result.
    [[nodiscard]] bool activateWithCode(const QString &profile, const QString &code = validCode)
    {
        broker->setActiveProfile(profile);
        if (!settle())
            return false;
        if (broker->status(profile).state == ProfileState::NeedsMfa)
            broker->submitMfaCode(profile, code);
        return settle();
    }

    FakeClock clock;
    FakeSts sts{clock};
    FakeSsoSource sso{clock};
    MemoryKeyStore store;
    std::unique_ptr<CredentialBroker> broker;
};

} // namespace imsa::test
