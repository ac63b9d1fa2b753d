#pragma once

#include <array>

#include <QByteArray>
#include <QDateTime>
#include <QString>

#include "imsa/credentials.h"
#include "imsa/detail/imdsjson.h"

namespace imsa::detail {

/// The last credentials body built for each format. Clients ask for the same credentials
/// thousands of times between two refreshes, and building the JSON (escaping, two ISO dates)
/// was a tenth of the metadata server's CPU time per request under wrk (perf, 2026-11-25).
class CredentialsBodyCache
{
public:
    enum class Format {
        Imds,
        ImdsExtended,
        Container
    };

    QByteArray body(Format format, const AwsCredentials &credentials, const QDateTime &lastUpdated,
                    const QString &accountId)
    {
        Entry &entry = m_entries[static_cast<size_t>(format)];
        if (entry.body.isEmpty() || entry.credentials != credentials
            || entry.lastUpdated != lastUpdated || entry.accountId != accountId) {
            entry = Entry{credentials, lastUpdated, accountId,
                          build(format, credentials, lastUpdated, accountId)};
        }
        return entry.body;
    }

private:
    struct Entry
    {
        AwsCredentials credentials;
        QDateTime lastUpdated;
        QString accountId;
        QByteArray body;
    };

    static QByteArray build(Format format, const AwsCredentials &credentials,
                            const QDateTime &lastUpdated, const QString &accountId)
    {
        switch (format) {
        case Format::Imds:
            return imdsCredentialsJson(credentials, lastUpdated, QString());
        case Format::ImdsExtended:
            return imdsCredentialsJson(credentials, lastUpdated, accountId);
        case Format::Container:
            return containerCredentialsJson(credentials, lastUpdated, accountId);
        }
        return {};
    }

    std::array<Entry, 3> m_entries;
};

} // namespace imsa::detail
