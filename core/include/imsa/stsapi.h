#pragma once

#include <functional>

#include <QObject>
#include <QString>
#include <QUrl>

#include "imsa/credentials.h"
#include "imsa/result.h"
#include "imsa/stserror.h"

namespace imsa {

/// Where STS calls go and which region signs them.
struct StsEndpoint
{
    QUrl url;
    QString signingRegion;
    /// Who chose the URL, for messages: "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL",
    /// "profile 'p', key 'sts_endpoint'"; empty for the AWS endpoint imsa picked itself.
    /// (The `{}` lets `StsEndpoint{url, region}` leave it out without -Wextra's warning.)
    QString source{};

    friend bool operator==(const StsEndpoint &, const StsEndpoint &) = default;
};

struct GetSessionTokenParams
{
    AwsCredentials baseKeys;
    QString mfaSerial; ///< empty: a session without MFA
    QString tokenCode;
    int durationSeconds = 43200;
    StsEndpoint endpoint;
};

struct AssumeRoleParams
{
    AwsCredentials credentials; ///< session credentials (role chaining) or base keys
    QString roleArn;
    QString roleSessionName;
    QString externalId;
    QString mfaSerial; ///< only when calling with base keys and MFA
    QString tokenCode;
    int durationSeconds = 3600;
    StsEndpoint endpoint;
};

struct AssumedRole
{
    AwsCredentials credentials;
    QString assumedRoleArn; ///< arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION
};

struct CallerIdentity
{
    QString account;
    QString arn;
    QString userId;
};

template <typename T>
using StsResult = Result<T, StsError>;

/// The three STS calls imsa makes. Every call completes exactly once, asynchronously (never
/// from inside the call), by invoking the callback in the thread of `context`; if `context`
/// is destroyed first the callback is dropped.
class StsApi
{
public:
    virtual ~StsApi() = default;

    virtual void getSessionToken(const GetSessionTokenParams &params, QObject *context,
                                 std::function<void(StsResult<AwsCredentials>)> done) = 0;
    virtual void assumeRole(const AssumeRoleParams &params, QObject *context,
                            std::function<void(StsResult<AssumedRole>)> done) = 0;
    virtual void getCallerIdentity(const AwsCredentials &credentials, const StsEndpoint &endpoint,
                                   QObject *context,
                                   std::function<void(StsResult<CallerIdentity>)> done) = 0;
};

} // namespace imsa
