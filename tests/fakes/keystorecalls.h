#pragma once

#include <optional>

#include <QObject>
#include <QTest>

#include "imsa/keystore.h"

namespace imsa::test {

using ReadResult = KeyStore::ReadResult;

/// The asynchronous KeyStore calls, waited for: what the key store tests need to compare
/// results line by line. A callback that does not come within the timeout reads as an error.
class KeyStoreCalls
{
public:
    explicit KeyStoreCalls(int timeoutMs)
        : m_timeoutMs(timeoutMs)
    { }

    ReadResult read(KeyStore &store, const QString &account) const
    {
        return wait<ReadResult>(
                [&](QObject *context, auto done) {
                    store.read(account, context, done);
                },
                ReadResult(noCallback()));
    }

    /// The failure's message, empty when the write was done: the tests compare messages.
    QString write(KeyStore &store, const QString &account, const QByteArray &secret) const
    {
        return message(wait<KeyStore::WriteResult>(
                [&](QObject *context, auto done) {
                    store.write(account, secret, context, done);
                },
                noCallback()));
    }

    /// The failure's message, empty when the entry is gone.
    QString remove(KeyStore &store, const QString &account) const
    {
        return message(wait<KeyStore::WriteResult>(
                [&](QObject *context, auto done) {
                    store.remove(account, context, done);
                },
                noCallback()));
    }

private:
    Failure noCallback() const
    {
        return Failure{QStringLiteral("no callback within %1 s").arg(m_timeoutMs / 1000)};
    }

    static QString message(const KeyStore::WriteResult &result)
    {
        return result ? QString() : result.error().message;
    }

    template <typename T, typename Start>
    T wait(Start start, T fallback) const
    {
        QObject context;
        std::optional<T> result;
        start(&context, [&](T value) {
            result = std::move(value);
        });
        if (!QTest::qWaitFor(
                    [&] {
                        return result.has_value();
                    },
                    m_timeoutMs))
            return fallback;
        return *result;
    }

    int m_timeoutMs;
};

} // namespace imsa::test
