import { existsSync } from 'node:fs';
import { CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  CachePolicy,
  Function as CfFunction,
  Distribution,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import {
  type IUserPool,
  OAuthScope,
  UserPoolClient,
  UserPoolClientIdentityProvider,
  UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { consoleCsp } from '../../console/csp.ts';
import { repoPath } from './paths.ts';

export interface ConsoleSiteProps {
  stage: string;
  /** The HTTP API every non-console path goes to (same origin: no CORS). */
  api: HttpApi;
  /** The ops user pool: the console gets its own app client (code + PKCE) and a hosted-login domain. */
  userPool?: IUserPool;
}

/**
 * Rewrites console deep links (`/ops/rounds/…`, no file extension) to `/ops/index.html`, and `/ops`
 * to `/ops/`, before S3 is asked; files (`/ops/assets/x.js`) pass through. API paths never run it.
 */
const SPA_REWRITE = `function handler(event) {
  var r = event.request;
  if (r.uri === '/ops') {
    return { statusCode: 308, statusDescription: 'Permanent Redirect', headers: { location: { value: '/ops/' } } };
  }
  var last = r.uri.split('/').pop();
  if (last === '' || last.indexOf('.') === -1) r.uri = '/ops/index.html';
  return r;
}`;

/**
 * The ops console in AWS: a private S3 bucket read by CloudFront through Origin Access Control,
 * and one CloudFront distribution that serves `/ops/*` from the bucket and everything else
 * (`/api/*`, `/f/*`, `/`) from the HTTP API — one origin for the browser, so no CORS. The built
 * files and a `config.json` with the hosted-login settings are deployed by `BucketDeployment`.
 */
export class ConsoleSite extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  readonly client?: UserPoolClient;
  readonly domain?: UserPoolDomain;
  /** What the console reads from /ops/config.json (deploy-time values). */
  readonly config: Record<string, string>;

  constructor(scope: Construct, id: string, props: ConsoleSiteProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.bucket = new Bucket(this, 'Files', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // Only build output lives here, but emptying it on delete would need a custom-resource Lambda in
      // this stack; a few retained static files cost nothing.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const apiOrigin = new HttpOrigin(`${props.api.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`, {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
    });
    const apiBehavior = {
      origin: apiOrigin,
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: AllowedMethods.ALLOW_ALL,
      // The API answers per user (Authorization) and per form token: never cached at the edge.
      cachePolicy: CachePolicy.CACHING_DISABLED,
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
    };

    if (props.userPool) {
      this.domain = new UserPoolDomain(this, 'LoginDomain', {
        userPool: props.userPool,
        cognitoDomain: { domainPrefix: `dieutra-${props.stage}-ops-${stack.account}` },
      });
    }
    const headers = new ResponseHeadersPolicy(this, 'Headers', {
      comment: 'dieutra ops console: strict CSP, no framing, no sniffing',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: consoleCsp(this.domain ? [this.domain.baseUrl()] : []),
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
      },
    });
    const rewrite = new CfFunction(this, 'SpaRewrite', {
      code: FunctionCode.fromInline(SPA_REWRITE),
      runtime: FunctionRuntime.JS_2_0,
      comment: 'ops console deep links → /ops/index.html',
    });

    const files = S3BucketOrigin.withOriginAccessControl(this.bucket);
    this.distribution = new Distribution(this, 'Distribution', {
      comment: `dieutra ${props.stage}: ops console (/ops/*) and API on one origin`,
      defaultBehavior: apiBehavior,
      additionalBehaviors: {
        '/ops/*': {
          origin: files,
          viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
          cachePolicy: CachePolicy.CACHING_OPTIMIZED,
          responseHeadersPolicy: headers,
          functionAssociations: [{ function: rewrite, eventType: FunctionEventType.VIEWER_REQUEST }],
          compress: true,
        },
        '/ops': {
          origin: files,
          viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          functionAssociations: [{ function: rewrite, eventType: FunctionEventType.VIEWER_REQUEST }],
        },
        '/api/*': apiBehavior,
        '/f/*': apiBehavior,
      },
    });
    const origin = `https://${this.distribution.distributionDomainName}`;

    if (props.userPool && this.domain) {
      this.client = new UserPoolClient(this, 'ConsoleClient', {
        userPool: props.userPool,
        userPoolClientName: `dieutra-${props.stage}-ops-console`,
        // A browser app keeps no secret: authorisation code with PKCE (Cognito enforces S256 when sent).
        generateSecret: false,
        authFlows: {},
        supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
        oAuth: {
          flows: { authorizationCodeGrant: true },
          scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
          callbackUrls: [`${origin}/ops/callback`],
          logoutUrls: [`${origin}/ops/`],
        },
        idTokenValidity: Duration.hours(1),
        accessTokenValidity: Duration.hours(1),
        preventUserExistenceErrors: true,
      });
    }

    this.config =
      this.client && this.domain
        ? {
            mode: 'cognito',
            domain: `${this.domain.domainName}.auth.${stack.region}.amazoncognito.com`,
            clientId: this.client.userPoolClientId,
            redirectUri: `${origin}/ops/callback`,
            logoutUri: `${origin}/ops/`,
          }
        : { mode: 'none' };
    new CfnOutput(this, 'ConsoleUrl', { key: 'ConsoleUrl', value: `${origin}/ops/` });
  }
}

export interface ConsoleFilesProps {
  site: ConsoleSite;
  /** Built console (`npm run build:console`); when missing, a placeholder page is deployed. */
  distDir?: string;
}

/**
 * Puts the built console and its config.json into the site's bucket and invalidates the page.
 * Its own stack (BucketDeployment runs a Lambda), deployed after the stateless stack.
 */
export class ConsoleFiles extends Construct {
  constructor(scope: Construct, id: string, props: ConsoleFilesProps) {
    super(scope, id);
    const { bucket, distribution, config } = props.site;
    const dist = props.distDir ?? repoPath('console/dist');
    const built = existsSync(`${dist}/index.html`);
    // Hashed assets are immutable; the page and its config must be re-read on every visit.
    new BucketDeployment(this, 'DeployAssets', {
      destinationBucket: bucket,
      destinationKeyPrefix: 'ops/',
      sources: built ? [Source.asset(dist, { exclude: ['index.html'] })] : [Source.data('assets/.keep', '')],
      cacheControl: [CacheControl.fromString('public, max-age=31536000, immutable')],
      prune: false,
    });
    new BucketDeployment(this, 'DeployPage', {
      destinationBucket: bucket,
      destinationKeyPrefix: 'ops/',
      sources: [
        built
          ? Source.asset(dist, { exclude: ['*', '!index.html'] })
          : Source.data(
              'index.html',
              '<!doctype html><html lang="vi"><meta charset="utf-8"><title>dieutra</title><p>Bảng điều hành chưa được dựng (npm run build:console).</p></html>',
            ),
        Source.jsonData('config.json', config),
      ],
      cacheControl: [CacheControl.noCache()],
      prune: false,
      distribution,
      distributionPaths: ['/ops/index.html', '/ops/config.json'],
    });
  }
}
