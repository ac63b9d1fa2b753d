// Prints the ARN that STS GetCallerIdentity returns, as the AWS SDK for JavaScript v3 sees it with
// the credentials its default provider chain finds: with nothing in the environment or in
// ~/.aws/credentials, that is the instance-metadata provider, at AWS_EC2_METADATA_SERVICE_ENDPOINT
// (IMDSv2: token PUT first). For tests/e2e/tst_ssoclients.cpp.
// Usage: node caller-identity.mjs PREFIX STS_ENDPOINT [--sso-profile]
//   PREFIX: the folder whose node_modules install.sh filled (not this script's folder).
//   --sso-profile: the chain must find AWS_PROFILE's SSO credentials (the shared token cache and
//   the portal at AWS_ENDPOINT_URL_SSO) instead, with instance metadata disabled.
import { createRequire } from "node:module";
import { resolve } from "node:path";

const [prefix, endpoint, mode] = process.argv.slice(2);
const ssoProfile = mode === "--sso-profile";
if (!prefix || !endpoint || (mode !== undefined && !ssoProfile)) {
    console.error("usage: node caller-identity.mjs PREFIX STS_ENDPOINT [--sso-profile]");
    process.exit(2);
}
if (ssoProfile && (!process.env.AWS_PROFILE || process.env.AWS_EC2_METADATA_DISABLED !== "true")) {
    console.error("--sso-profile needs AWS_PROFILE and AWS_EC2_METADATA_DISABLED=true");
    process.exit(2);
}
// The chain would skip IMDS without saying so, and the test would then see another source fail.
if (!ssoProfile && process.env.AWS_EC2_METADATA_DISABLED) {
    console.error(`AWS_EC2_METADATA_DISABLED is set (${process.env.AWS_EC2_METADATA_DISABLED})`);
    process.exit(2);
}

// An ES module finds packages next to itself only (NODE_PATH does not apply): load the SDK from
// PREFIX/node_modules through a require() anchored there.
const require = createRequire(resolve(prefix, "package.json"));
const { STSClient, GetCallerIdentityCommand } = require("@aws-sdk/client-sts");

const client = new STSClient({ region: "eu-west-1", endpoint, maxAttempts: 1 });
try {
    const identity = await client.send(new GetCallerIdentityCommand({}));
    console.log(identity.Arn);
} catch (error) {
    console.error(`${error.name}: ${error.message}`);
    process.exitCode = 1;
} finally {
    client.destroy();
}
