#pragma once

#include <optional>

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QSet>
#include <QString>
#include <QXmlStreamReader>

#include "imsa/stsapi.h"

// Pure parsing of what STS answers: success documents, ErrorResponse documents and the
// mapping of AWS error codes to StsErrorCode. No I/O, no logging, so it can be fuzzed.
namespace imsa::detail {

/// Far above any real STS document (a few KiB) and far below what could hurt.
inline constexpr qsizetype maxStsDocumentBytes = 1024 * 1024;
/// STS documents nest four levels deep; a bound stops pathological nesting early.
inline constexpr int maxStsDocumentDepth = 16;
/// AWS messages are a sentence or two; the cap keeps a misbehaving server out of our logs.
inline constexpr qsizetype maxStsMessageChars = 512;

/// The leaf elements of an XML document keyed by the path of local names from the root
/// ("AssumeRoleResponse/AssumeRoleResult/Credentials/AccessKeyId"), text trimmed.
/// Namespaces are ignored: STS documents use one default namespace.
class XmlLeaves
{
public:
    /// nullopt when the bytes are not one well-formed document, are larger or deeper than
    /// STS ever sends, or carry a DTD (no STS document has one, and entity tricks live there).
    static std::optional<XmlLeaves> read(const QByteArray &xml)
    {
        if (xml.size() > maxStsDocumentBytes)
            return std::nullopt;

        struct Open
        {
            QString name;
            QString text;
            bool hasChildren = false;
        };

        XmlLeaves leaves;
        QList<Open> open;
        QStringList path;
        QXmlStreamReader reader(xml);
        while (!reader.atEnd()) {
            switch (reader.readNext()) {
            case QXmlStreamReader::DTD:
            case QXmlStreamReader::EntityReference:
                return std::nullopt;
            case QXmlStreamReader::StartElement:
                if (open.size() >= maxStsDocumentDepth)
                    return std::nullopt;
                if (open.isEmpty())
                    leaves.m_root = reader.name().toString();
                else
                    open.last().hasChildren = true;
                open.append({reader.name().toString(), {}, false});
                path.append(open.last().name);
                break;
            case QXmlStreamReader::Characters:
                if (!open.isEmpty())
                    open.last().text += reader.text();
                break;
            case QXmlStreamReader::EndElement:
                if (!open.last().hasChildren)
                    leaves.insert(path.join(QLatin1Char('/')), open.last().text.trimmed());
                open.removeLast();
                path.removeLast();
                break;
            default:
                break;
            }
        }
        if (reader.hasError() || leaves.m_root.isEmpty())
            return std::nullopt;
        return leaves;
    }

    /// Local name of the document element.
    const QString &root() const { return m_root; }

    /// The text of the leaf at `path`; nullopt when absent or present more than once.
    std::optional<QString> value(const QString &path) const
    {
        const auto it = m_values.constFind(path);
        if (it == m_values.cend() || m_repeated.contains(path))
            return std::nullopt;
        return *it;
    }

private:
    void insert(const QString &path, const QString &text)
    {
        if (m_values.contains(path))
            m_repeated.insert(path);
        m_values.insert(path, text);
    }

    QString m_root;
    QHash<QString, QString> m_values;
    QSet<QString> m_repeated;
};

/// What an STS ErrorResponse says.
struct StsErrorDocument
{
    QString type; ///< "Sender" or "Receiver"
    QString code;
    QString message;
    QString requestId;
};

/// ISO 8601 date-time with a zone designator ("2026-11-25T10:00:00Z", optionally with
/// fractional seconds or an offset), as UTC. nullopt without a zone: the instant would be
/// ambiguous.
inline std::optional<QDateTime> parseIso8601(const QString &text)
{
    const QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!time.isValid() || time.timeSpec() == Qt::LocalTime)
        return std::nullopt;
    return time.toUTC();
}

inline StsError malformedStsResponse(const QString &what)
{
    return StsError{StsErrorCode::MalformedResponse, {}, what, 0};
}

/// The leaves of `body` when its document element is `root`.
inline Result<XmlLeaves, StsError> readStsDocument(const QByteArray &body, const QString &root)
{
    auto leaves = XmlLeaves::read(body);
    if (!leaves)
        return malformedStsResponse(QStringLiteral("STS answered with something that is not XML"));
    if (leaves->root() != root)
        return malformedStsResponse(QStringLiteral("STS answered without a ") + root);
    return std::move(*leaves);
}

/// The <Credentials> element under `result` ("GetSessionTokenResponse/GetSessionTokenResult").
inline Result<AwsCredentials, StsError> readStsCredentials(const XmlLeaves &leaves,
                                                           const QString &result)
{
    const QString prefix = result + QStringLiteral("/Credentials/");
    AwsCredentials credentials;
    const std::pair<QString *, QLatin1StringView> fields[] = {
            {&credentials.accessKeyId, QLatin1StringView("AccessKeyId")},
            {&credentials.secretAccessKey, QLatin1StringView("SecretAccessKey")},
            {&credentials.sessionToken, QLatin1StringView("SessionToken")},
    };
    for (const auto &[target, name] : fields) {
        const auto text = leaves.value(prefix + name);
        if (!text || text->isEmpty())
            return malformedStsResponse(QStringLiteral("STS credentials without ") + name);
        *target = *text;
    }
    const auto expiration = leaves.value(prefix + QStringLiteral("Expiration"));
    const auto expiry = expiration ? parseIso8601(*expiration) : std::nullopt;
    if (!expiry)
        return malformedStsResponse(QStringLiteral("STS credentials without a valid Expiration"));
    credentials.expiration = *expiry;
    return credentials;
}

inline StsResult<AwsCredentials> parseGetSessionTokenResponse(const QByteArray &body)
{
    const auto leaves = readStsDocument(body, QStringLiteral("GetSessionTokenResponse"));
    if (!leaves)
        return leaves.error();
    return readStsCredentials(leaves.value(),
                              QStringLiteral("GetSessionTokenResponse/GetSessionTokenResult"));
}

inline StsResult<AssumedRole> parseAssumeRoleResponse(const QByteArray &body)
{
    const auto leaves = readStsDocument(body, QStringLiteral("AssumeRoleResponse"));
    if (!leaves)
        return leaves.error();
    const QString result = QStringLiteral("AssumeRoleResponse/AssumeRoleResult");
    auto credentials = readStsCredentials(leaves.value(), result);
    if (!credentials)
        return credentials.error();
    const auto arn = leaves->value(result + QStringLiteral("/AssumedRoleUser/Arn"));
    if (!arn || arn->isEmpty())
        return malformedStsResponse(
                QStringLiteral("AssumeRole response without AssumedRoleUser/Arn"));
    return AssumedRole{std::move(credentials).value(), *arn};
}

inline StsResult<CallerIdentity> parseGetCallerIdentityResponse(const QByteArray &body)
{
    const auto leaves = readStsDocument(body, QStringLiteral("GetCallerIdentityResponse"));
    if (!leaves)
        return leaves.error();
    const QString result = QStringLiteral("GetCallerIdentityResponse/GetCallerIdentityResult/");
    CallerIdentity identity;
    const std::pair<QString *, QLatin1StringView> fields[] = {
            {&identity.account, QLatin1StringView("Account")},
            {&identity.arn, QLatin1StringView("Arn")},
            {&identity.userId, QLatin1StringView("UserId")},
    };
    for (const auto &[target, name] : fields) {
        const auto text = leaves->value(result + name);
        if (!text || text->isEmpty())
            return malformedStsResponse(QStringLiteral("GetCallerIdentity response without ")
                                        + name);
        *target = *text;
    }
    return identity;
}

/// The Error of an ErrorResponse document; nullopt when `body` is not one or has no Code.
inline std::optional<StsErrorDocument> parseStsErrorDocument(const QByteArray &body)
{
    const auto leaves = XmlLeaves::read(body);
    if (!leaves || leaves->root() != QLatin1StringView("ErrorResponse"))
        return std::nullopt;
    const auto code = leaves->value(QStringLiteral("ErrorResponse/Error/Code"));
    if (!code || code->isEmpty())
        return std::nullopt;
    return StsErrorDocument{
            leaves->value(QStringLiteral("ErrorResponse/Error/Type")).value_or(QString()),
            *code,
            leaves->value(QStringLiteral("ErrorResponse/Error/Message")).value_or(QString()),
            leaves->value(QStringLiteral("ErrorResponse/RequestId")).value_or(QString()),
    };
}

/// What an ErrorResponse means for imsa. `mfaSerial` names the device in WrongMfaCode
/// messages; the one-time code itself is never part of an error.
inline StsError mapStsError(int httpStatus, const StsErrorDocument &document,
                            const QString &mfaSerial)
{
    StsError error{StsErrorCode::Other, document.code,
                   document.message.simplified().left(maxStsMessageChars), httpStatus};
    const auto codeIs = [&document](auto... names) {
        return ((document.code == QLatin1StringView(names)) || ...);
    };
    const auto messageHas = [&document](const char *text) {
        return document.message.contains(QLatin1StringView(text), Qt::CaseInsensitive);
    };
    if (codeIs("AccessDenied") && messageHas("MultiFactorAuthentication failed")) {
        error.code = StsErrorCode::WrongMfaCode;
        error.message = mfaSerial.isEmpty() ? QStringLiteral("wrong MFA code")
                                            : QStringLiteral("wrong MFA code for ") + mfaSerial;
    } else if (codeIs("AccessDenied")) {
        error.code = StsErrorCode::AccessDenied;
    } else if (codeIs("InvalidClientTokenId")) {
        error.code = StsErrorCode::InvalidKeys;
    } else if (codeIs("ExpiredToken")) {
        error.code = StsErrorCode::ExpiredToken;
    } else if (codeIs("RequestExpired")
               || (codeIs("SignatureDoesNotMatch")
                   && (messageHas("Signature expired")
                       || messageHas("Signature not yet current")))) {
        // AWS rejects requests signed more than a few minutes away from its own clock
        // ("Signature expired: 20260101T000000Z is now earlier than ...").
        error.code = StsErrorCode::ClockSkew;
    } else if (codeIs("SignatureDoesNotMatch")) {
        error.code = StsErrorCode::SignatureMismatch;
    } else if (codeIs("ValidationError", "InvalidParameterValue", "InvalidParameterCombination",
                      "MissingParameter", "MalformedQueryString", "InvalidAction")) {
        error.code = StsErrorCode::InvalidRequest;
    } else if (codeIs("Throttling", "ThrottlingException", "RequestLimitExceeded",
                      "RequestThrottled", "TooManyRequestsException")
               || httpStatus == 429) {
        // The throttling codes botocore's retry handler recognises for Query services.
        error.code = StsErrorCode::Throttled;
    } else if (httpStatus >= 500) {
        error.code = StsErrorCode::ServerError;
    }
    return error;
}

/// Classifies an answer that is not a success: an HTTP status of 300 or more, or an
/// ErrorResponse document. Bodies that are not STS's are described by their status only.
inline StsError classifyStsFailure(int httpStatus, const QByteArray &body, const QString &mfaSerial)
{
    if (const auto document = parseStsErrorDocument(body))
        return mapStsError(httpStatus, *document, mfaSerial);
    const QString status = QStringLiteral("HTTP ") + QString::number(httpStatus);
    if (httpStatus == 429)
        return StsError{
                StsErrorCode::Throttled, {}, status + QStringLiteral(" from STS"), httpStatus};
    if (httpStatus >= 500)
        return StsError{
                StsErrorCode::ServerError, {}, status + QStringLiteral(" from STS"), httpStatus};
    return StsError{StsErrorCode::MalformedResponse,
                    {},
                    status + QStringLiteral(" from STS without an error document"),
                    httpStatus};
}

} // namespace imsa::detail
