import { CfnOutput } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpRoute as CdkHttpRoute,
  HttpApi,
  HttpMethod,
  HttpRouteKey,
  type HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { HttpRoute } from '../../shared/platform/manifest.ts';

export interface ServiceApiProps {
  stage: string;
  /** Issuer and accepted audiences of ops JWTs. */
  jwt: { issuer: string; audience: string[] };
  throttle: { rateLimit: number; burstLimit: number };
  logRetention: RetentionDays;
}

/**
 * The one HTTP API (API Gateway v2) in front of every service. Ops routes go through a JWT
 * authorizer; public routes (the respondent's form and submission) are open and rely on the form
 * token. Default-stage throttling caps what a flood of anonymous requests can cost.
 */
export class ServiceApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  private readonly opsAuthorizer: IHttpRouteAuthorizer;

  constructor(scope: Construct, id: string, props: ServiceApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'HttpApi', {
      apiName: `dieutra-${props.stage}`,
      description: 'dieutra ops and public API',
      // The default stage is created below, to give it throttling and access logs.
      createDefaultStage: false,
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: props.logRetention });
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // Standard fields only: no query strings or bodies, which could hold a form token.
        format: AccessLogFormat.jsonWithStandardFields({
          caller: false,
          httpMethod: true,
          ip: true,
          protocol: true,
          requestTime: true,
          resourcePath: true,
          responseLength: true,
          status: true,
          user: false,
        }),
      },
    });
    this.opsAuthorizer = new HttpJwtAuthorizer('OpsJwtAuthorizer', props.jwt.issuer, {
      jwtAudience: props.jwt.audience,
      identitySource: ['$request.header.Authorization'],
    });
    new CfnOutput(this, 'Url', { key: 'ApiUrl', value: this.stage.url, description: 'Base URL of the API' });
  }

  /** Routes every path of `routes` to `fn`; `ops` routes require a valid JWT. */
  addFunctionRoutes(fn: IFunction, name: string, routes: HttpRoute[], auth: 'ops' | 'public'): void {
    const integration = new HttpLambdaIntegration(`${name}-integration`, fn);
    for (const route of routes) {
      this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration,
        ...(auth === 'ops' ? { authorizer: this.opsAuthorizer } : {}),
      });
    }
  }

  /** The `$default` route: whatever no other route matches (no authorizer: it only answers 404/405). */
  addDefaultRoute(fn: IFunction, name: string): void {
    new CdkHttpRoute(this, `${name}-default-route`, {
      httpApi: this.api,
      routeKey: HttpRouteKey.DEFAULT,
      integration: new HttpLambdaIntegration(`${name}-default-integration`, fn),
    });
  }
}
