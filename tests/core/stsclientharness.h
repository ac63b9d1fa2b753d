#pragma once

#include <chrono>
#include <functional>
#include <optional>

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QTimer>

#include "fakes/fakeclock.h"
#include "fakes/standinsts.h"
#include "imsa/stsclient.h"

// Shared by the StsClient tests: a real client against the stand-in STS on 127.0.0.1.
namespace imsa::test {

/// Generous bound for one answer: a whole test normally runs in well under a second.
inline constexpr int answerTimeoutMs = 5000;

inline const QString aliceMfa = QStringLiteral("arn:aws:iam::123456789012:mfa/alice");
inline const QString adminRole = QStringLiteral("arn:aws:iam::123456789012:role/Admin");

inline AwsCredentials aliceKeys()
{
    const StandInIdentity alice = StandInSts::defaultIdentity();
    return AwsCredentials{alice.accessKeyId, alice.secretAccessKey, {}, {}};
}

/// Collects the one result of an StsApi call.
template <typename T>
struct Outcome
{
    std::optional<StsResult<T>> result;
    int deliveries = 0;
    QEventLoop *waiting = nullptr;

    std::function<void(StsResult<T>)> callback()
    {
        return [this](StsResult<T> value) {
            ++deliveries;
            result.emplace(std::move(value));
            if (waiting)
                waiting->quit();
        };
    }

    /// Runs the event loop until the result arrives; false after answerTimeoutMs. A local
    /// loop rather than QTRY_*: polling would add ~10 ms to every hop between threads.
    bool wait()
    {
        if (!result) {
            QEventLoop loop;
            waiting = &loop;
            QTimer::singleShot(answerTimeoutMs, &loop, &QEventLoop::quit);
            loop.exec();
            waiting = nullptr;
        }
        return result.has_value();
    }
};

/// The stand-in and the client share one FakeClock, so expirations and signing times are
/// exact. Retries are quick and deterministic (jitter pinned to 1).
struct StsClientHarness
{
    FakeClock clock;
    StandInSts sts;
    QNetworkAccessManager network;
    StsClient client{network, clock};

    StsClientHarness()
    {
        using namespace std::chrono_literals;
        sts.setTimeSource([this] {
            return clock.now();
        });
        // Only loopback traffic, whatever proxy the environment names.
        network.setProxy(QNetworkProxy(QNetworkProxy::NoProxy));
        client.setRetryPolicy(StsRetryPolicy{3, 1ms, 10ms, [] {
                                                 return 1.0;
                                             }});
        client.setTimeout(2s);
    }

    StsEndpoint endpoint() const { return StsEndpoint{sts.url(), QStringLiteral("us-east-1")}; }
};

} // namespace imsa::test
