#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QString>

#include "imsa/credentials.h"

// The stand-in's wire format: Query API form parameters in, STS XML documents out, in the
// shapes of the AWS STS API reference (namespace https://sts.amazonaws.com/doc/2011-06-15/).
namespace imsa::test::standin {

/// application/x-www-form-urlencoded pairs; '+' is a space, later duplicates win.
QHash<QString, QString> parseForm(const QByteArray &form);

/// A stable AWS-style unique id for `name`: `prefix` ("AIDA", "AROA") + 17 characters.
QString uniqueId(QLatin1StringView prefix, const QString &name);

/// "2026-11-25T10:00:00Z"
QString iso8601(const QDateTime &time);
/// X-Amz-Date form, "20261125T100000Z"
QString amzDate(const QDateTime &time);

QByteArray credentialsResponse(const QString &action, const AwsCredentials &credentials,
                               const QString &assumedRoleArn, const QString &assumedRoleId,
                               const QString &requestId);
QByteArray callerIdentityResponse(const QString &arn, const QString &userId, const QString &account,
                                  const QString &requestId);
QByteArray errorResponse(const QString &type, const QString &code, const QString &message,
                         const QString &requestId);

} // namespace imsa::test::standin
