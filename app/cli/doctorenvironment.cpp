#include <algorithm>
#include <array>
#include <tuple>

#include <QRegularExpression>

#include "doctorchecks.h"
#include "imsa/awsini.h"
#include "imsa/stsendpoint.h"

using namespace Qt::StringLiterals;

// The checks of the user's environment and AWS files: every credential source the SDKs try
// before instance metadata (their provider chains end with it), and the settings that keep
// them from reaching it at all.
namespace imsa::cli {

namespace {

const QString metadataHost = u"169.254.169.254"_s;

/// Keys that give an AWS profile credentials of its own (botocore's providers).
constexpr std::array<const char *, 8> credentialKeys{
        "aws_access_key_id",       "role_arn",    "credential_process", "credential_source",
        "web_identity_token_file", "sso_session", "sso_start_url",      "sso_account_id"};

struct AwsProfileFacts
{
    bool exists = false;
    QStringList credentialKeys; ///< as "file: key"
    std::optional<ConfigError> syntaxError;
};

/// `[profile NAME]` or `[default]` in the config file, `[NAME]` in the credentials file.
bool headerNames(const QString &header, const QString &name, bool isConfig)
{
    if (!isConfig || header == u"default"_s)
        return header == name;
    static const QRegularExpression profileHeader(u"^profile\\s+\"?(.*?)\"?$"_s);
    const QRegularExpressionMatch match = profileHeader.match(header);
    return match.hasMatch() && match.captured(1).trimmed() == name;
}

AwsProfileFacts awsProfileFacts(const AwsFiles &files, const QString &name)
{
    AwsProfileFacts facts;
    const std::array<std::tuple<QString, QByteArray, bool>, 2> sources{
            std::tuple{files.configPath, files.configText, true},
            std::tuple{files.credentialsPath, files.credentialsText, false}};
    for (const auto &[path, text, isConfig] : sources) {
        const IniFile ini = parseIni(text, path);
        if (ini.syntaxError && !facts.syntaxError)
            facts.syntaxError = ini.syntaxError;
        for (const IniSection &section : ini.sections) {
            if (!headerNames(section.header, name, isConfig))
                continue;
            facts.exists = true;
            for (const IniEntry &entry : section.entries) {
                const bool gives = std::any_of(credentialKeys.cbegin(), credentialKeys.cend(),
                                               [&entry](const char *key) {
                                                   return entry.key == QLatin1StringView(key);
                                               });
                if (gives)
                    facts.credentialKeys.append(path + u": "_s + entry.key);
            }
        }
    }
    return facts;
}

QStringList setVariables(const QProcessEnvironment &env, std::initializer_list<const char *> names)
{
    QStringList set;
    for (const char *name : names) {
        if (!env.value(QLatin1StringView(name)).isEmpty())
            set.append(QLatin1StringView(name));
    }
    return set;
}

enum class Exemption {
    None,
    RangeOnly,
    Exact
};

/// How one NO_PROXY value exempts the metadata address. Python (the AWS CLI, boto3) matches
/// names and suffixes only; Go and curl also take CIDR ranges.
Exemption exemption(const QString &noProxy)
{
    Exemption best = Exemption::None;
    for (const QString &raw : noProxy.split(u',', Qt::SkipEmptyParts)) {
        const QString entry = raw.trimmed();
        if (entry == u"*"_s || entry == metadataHost)
            return Exemption::Exact;
        const std::pair<QHostAddress, int> subnet = QHostAddress::parseSubnet(entry);
        if (entry.contains(u'/') && !subnet.first.isNull()
            && QHostAddress(metadataHost).isInSubnet(subnet))
            best = Exemption::RangeOnly;
    }
    return best;
}

/// Host and port of an http URL, the port defaulting to 80, for comparing endpoints.
QString hostAndPort(const QString &url)
{
    const QUrl parsed(url);
    return parsed.host() + u':' + QString::number(parsed.port(80));
}

} // namespace

CheckResult checkEnvironmentCredentials(const QProcessEnvironment &env)
{
    CheckResult result{CheckStatus::Ok, u"environment credentials"_s, {}, {}};
    const QStringList set =
            setVariables(env, {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"});
    if (set.isEmpty()) {
        result.found = u"no AWS_ACCESS_KEY_ID or AWS_SECRET_ACCESS_KEY in this environment"_s;
        return result;
    }
    const QString unset = u"unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN"_s;
    const QString exported = env.value(u"IMSA_PROFILE"_s);
    if (!exported.isEmpty() && set.contains(u"AWS_SESSION_TOKEN"_s)) {
        result.status = CheckStatus::Warn;
        result.found = u"this shell uses the credentials `imsa export %1` printed, not the "
                       "metadata endpoint"_s.arg(exported);
        result.fix = unset + u" IMSA_PROFILE IMSA_PROFILE_EXPIRATION"_s;
        return result;
    }
    result.status = CheckStatus::Fail;
    result.found = u"%1 set: AWS tools use them before instance metadata"_s.arg(
            set.join(u", "_s) + (set.size() == 1 ? u" is"_s : u" are"_s));
    result.fix = unset + u", and remove them from your shell's startup files"_s;
    return result;
}

CheckResult checkAwsProfileVariable(const QProcessEnvironment &env, const AwsFiles &files)
{
    CheckResult result{CheckStatus::Ok, u"AWS_PROFILE"_s, {}, {}};
    const QString name = env.value(u"AWS_PROFILE"_s);
    if (name.isEmpty()) {
        result.found = u"not set"_s;
        return result;
    }
    const AwsProfileFacts facts = awsProfileFacts(files, name);
    const QString unset = u"unset AWS_PROFILE (for one shell with a profile of imsa: eval "
                          "\"$(imsa env PROFILE)\")"_s;
    if (facts.syntaxError) {
        result.status = CheckStatus::Fail;
        result.found = u"AWS_PROFILE=%1, and AWS tools cannot read %2"_s.arg(
                name, facts.syntaxError->toString());
        result.fix = u"correct the file"_s;
    } else if (!facts.exists) {
        result.status = CheckStatus::Fail;
        result.found = u"AWS_PROFILE=%1 names no profile in %2 or %3: AWS tools stop with "
                       "\"The config profile (%1) could not be found\""_s.arg(
                               name, files.configPath, files.credentialsPath);
        result.fix = unset;
    } else if (!facts.credentialKeys.isEmpty()) {
        result.status = CheckStatus::Fail;
        result.found = u"AWS_PROFILE=%1 has credentials of its own (%2): AWS tools use them "
                       "instead of imsa"_s.arg(name, facts.credentialKeys.join(u", "_s));
        result.fix = unset;
    } else {
        result.found =
                u"AWS_PROFILE=%1 sets no credentials, so AWS tools still reach imsa"_s.arg(name);
    }
    return result;
}

CheckResult checkDefaultProfile(const AwsFiles &files)
{
    CheckResult result{CheckStatus::Ok, u"default profile"_s, {}, {}};
    const AwsProfileFacts facts = awsProfileFacts(files, u"default"_s);
    if (facts.syntaxError) {
        result.status = CheckStatus::Warn;
        result.found = u"cannot read "_s + facts.syntaxError->toString();
        result.fix = u"correct the file"_s;
    } else if (!facts.credentialKeys.isEmpty()) {
        result.status = CheckStatus::Fail;
        result.found = u"[default] has credentials (%1): AWS tools use them before instance "
                       "metadata"_s.arg(facts.credentialKeys.join(u", "_s));
        result.fix = u"rename that section (e.g. to [base], and source_profile = base where it "
                     "is used) or move the keys to ~/.imsa"_s;
    } else {
        result.found = u"[default] holds no credentials"_s;
    }
    return result;
}

CheckResult checkContainerCredentials(const QProcessEnvironment &env)
{
    CheckResult result{CheckStatus::Ok, u"container credentials"_s, {}, {}};
    const QStringList set = setVariables(
            env, {"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI"});
    if (set.isEmpty()) {
        result.found = u"no AWS_CONTAINER_CREDENTIALS_* variables"_s;
        return result;
    }
    const QString profile = env.value(u"IMSA_PROFILE"_s);
    const QUrl fullUri(env.value(u"AWS_CONTAINER_CREDENTIALS_FULL_URI"_s));
    if (set == QStringList{u"AWS_CONTAINER_CREDENTIALS_FULL_URI"_s} && !profile.isEmpty()
        && QHostAddress(fullUri.host()).isLoopback()) {
        result.found = u"this shell uses profile %1 through `imsa env`"_s.arg(profile);
        return result;
    }
    result.status = CheckStatus::Fail;
    result.found =
            u"%1 set: AWS tools in this shell get credentials from that endpoint, not "
            "from imsa"_s.arg(set.join(u" and "_s) + (set.size() == 1 ? u" is"_s : u" are"_s));
    result.fix = u"unset AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_CREDENTIALS_FULL_URI "
                 "AWS_CONTAINER_AUTHORIZATION_TOKEN"_s;
    return result;
}

CheckResult checkProxy(const QProcessEnvironment &env)
{
    CheckResult result{CheckStatus::Ok, u"proxy"_s, {}, {}};
    const QStringList proxies = setVariables(env, {"http_proxy", "HTTP_PROXY"});
    if (proxies.isEmpty()) {
        result.found = u"no HTTP proxy set"_s;
        return result;
    }
    // Python prefers the lower-case variable, Go the upper-case one: both must exempt it.
    // The proxy's URL is not printed: it may carry a password.
    const QString lower = env.value(u"no_proxy"_s, env.value(u"NO_PROXY"_s));
    const QString upper = env.value(u"NO_PROXY"_s, env.value(u"no_proxy"_s));
    const Exemption weakest = std::min(exemption(lower), exemption(upper));
    const QString &proxy = proxies.first();
    const QString fix = u"export NO_PROXY=169.254.169.254,$NO_PROXY "
                        "no_proxy=169.254.169.254,$no_proxy"_s;
    switch (weakest) {
    case Exemption::Exact:
        result.found = u"%1 is set and NO_PROXY exempts 169.254.169.254"_s.arg(proxy);
        break;
    case Exemption::RangeOnly:
        result.status = CheckStatus::Warn;
        result.found = u"%1 is set and NO_PROXY exempts 169.254.169.254 only by a CIDR range, "
                       "which Go and curl honour but the AWS CLI and boto3 do not"_s.arg(proxy);
        result.fix = fix;
        break;
    case Exemption::None:
        result.status = CheckStatus::Fail;
        result.found = u"%1 is set and NO_PROXY does not exempt 169.254.169.254: AWS tools ask "
                       "the proxy for instance metadata"_s.arg(proxy);
        result.fix = fix;
        break;
    }
    return result;
}

CheckResult checkMetadataVariables(const QProcessEnvironment &env,
                                   const std::optional<RunningImsa> &running)
{
    CheckResult result{CheckStatus::Ok, u"metadata settings"_s, {}, {}};
    if (env.value(u"AWS_EC2_METADATA_DISABLED"_s).compare(u"true"_s, Qt::CaseInsensitive) == 0) {
        result.status = CheckStatus::Fail;
        result.found = u"AWS_EC2_METADATA_DISABLED=true: AWS tools never ask instance metadata"_s;
        result.fix = u"unset AWS_EC2_METADATA_DISABLED"_s;
        return result;
    }
    if (env.value(u"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"_s)
                .compare(u"IPv6"_s, Qt::CaseInsensitive)
        == 0) {
        result.status = CheckStatus::Fail;
        result.found = u"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6: AWS tools ask "
                       "[fd00:ec2::254], where imsa does not serve"_s;
        result.fix = u"unset AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"_s;
        return result;
    }
    const QString endpoint = env.value(u"AWS_EC2_METADATA_SERVICE_ENDPOINT"_s);
    const QString asked = endpoint.isEmpty() ? u"http://169.254.169.254/"_s : endpoint;
    if (running && hostAndPort(asked) != hostAndPort(running->endpoint)) {
        result.status = CheckStatus::Warn;
        result.found = endpoint.isEmpty()
                ? u"AWS tools ask 169.254.169.254, but imsa serves on %1"_s.arg(running->endpoint)
                : u"AWS_EC2_METADATA_SERVICE_ENDPOINT=%1, but imsa serves on %2"_s.arg(
                        endpoint, running->endpoint);
        result.fix = QUrl(running->endpoint).host() == metadataHost
                ? u"unset AWS_EC2_METADATA_SERVICE_ENDPOINT"_s
                : u"export AWS_EC2_METADATA_SERVICE_ENDPOINT=%1"_s.arg(running->endpoint);
        return result;
    }
    result.found = endpoint.isEmpty() ? u"AWS tools ask instance metadata at 169.254.169.254"_s
                                      : u"AWS tools ask instance metadata at %1"_s.arg(endpoint);
    return result;
}

CheckResult checkStsEndpoint(const StsEndpoint &endpoint)
{
    CheckResult result{CheckStatus::Ok, u"STS endpoint"_s, {}, {}};
    const QString url = endpoint.url.toDisplayString(QUrl::RemoveUserInfo);
    const bool fromVariable = endpoint.source.startsWith(u"AWS_"_s);
    const QString undo = fromVariable ? u"unset %1"_s.arg(endpoint.source)
                                      : u"remove sts_endpoint from the profile"_s;
    if (const QString problem = stsEndpointProblem(endpoint); !problem.isEmpty()) {
        result.status = CheckStatus::Fail;
        result.found = problem;
        result.fix = u"use an https:// URL, or %1"_s.arg(undo);
    } else if (isAwsStsEndpoint(endpoint.url)) {
        result.found = url;
    } else {
        result.status = CheckStatus::Warn;
        result.found = u"%1 (not AWS), from %2"_s.arg(url, endpoint.source);
        result.fix = u"imsa sends MFA codes and keys there; %1 unless that is meant"_s.arg(undo);
    }
    return result;
}

} // namespace imsa::cli
