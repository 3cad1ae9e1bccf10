/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  subscription ReferralUpdated {\n    referralUpdated {\n      id\n      status\n      client { firstName lastName }\n    }\n  }\n": typeof types.ReferralUpdatedDocument,
    "\n  query Report($from: Date!, $to: Date!) {\n    referralReport(from: $from, to: $to) {\n      rows {\n        eventType\n        referredProject { id name }\n        total\n        successful\n        clientRejected\n        providerRejected\n        noResult\n        medianDaysToResult\n        p90DaysToResult\n      }\n      totals {\n        total\n        successful\n        clientRejected\n        providerRejected\n        noResult\n        cancelled\n        medianDaysToResult\n        medianDaysToAcknowledge\n        declineReasons { reason count }\n      }\n    }\n  }\n": typeof types.ReportDocument,
    "\n  query Community($from: Date!, $to: Date!) {\n    withoutChildren: priorityList(householdType: WITHOUT_CHILDREN, first: 0) { totalCount }\n    withChildrenAndAdults: priorityList(householdType: WITH_CHILDREN_AND_ADULTS, first: 0) { totalCount }\n    withOnlyChildren: priorityList(householdType: WITH_ONLY_CHILDREN, first: 0) { totalCount }\n    unknownHouseholdType: priorityList(householdType: UNKNOWN, first: 0) { totalCount }\n    ceApr(from: $from, to: $to) { tables { question title columns rows { label values } } }\n  }\n": typeof types.CommunityDocument,
    "\n  query Inbox($acknowledged: Boolean) {\n    referrals(status: PENDING, acknowledged: $acknowledged, first: 100) {\n      totalCount\n      nodes {\n        id\n        eventDate\n        eventType\n        acknowledgedAt\n        client { id firstName lastName }\n        referredProject { id name }\n        household { householdType members { id } }\n      }\n    }\n  }\n": typeof types.InboxDocument,
    "\n  query Referral($id: ID!) {\n    ceEvent(id: $id) {\n      id\n      eventDate\n      eventType\n      status\n      referralResult\n      resultDate\n      declineReason\n      acknowledgedAt\n      acknowledgedBy { email }\n      cancelledAt\n      cancellationReason\n      referredProject { id name organization { name } }\n      client {\n        id\n        firstName\n        lastName\n        enrollments {\n          id\n          entryDate\n          exitDate\n          relationshipToHoH\n          project { id }\n          resolvedReferral { id }\n          household { members { id relationshipToHoH client { firstName } } }\n        }\n      }\n      household {\n        id\n        householdType\n        members { id relationshipToHoH entryDate exitDate client { id firstName lastName dateOfBirth } }\n      }\n      resultingEnrollment {\n        id\n        entryDate\n        project { name }\n        household { householdType members { id relationshipToHoH client { firstName lastName } } }\n      }\n      notes { id text createdAt author { email } organization { name } }\n    }\n  }\n": typeof types.ReferralDocument,
    "\n  mutation Acknowledge($ceEventId: ID!) {\n    acknowledgeReferral(input: { ceEventId: $ceEventId }) { id status acknowledgedAt acknowledgedBy { email } }\n  }\n": typeof types.AcknowledgeDocument,
    "\n  mutation AddNote($ceEventId: ID!, $text: String!) {\n    addReferralNote(input: { ceEventId: $ceEventId, text: $text }) { id text createdAt }\n  }\n": typeof types.AddNoteDocument,
    "\n  mutation Intake($input: CreateEnrollmentInput!) {\n    createEnrollment(input: $input) {\n      id\n      entryDate\n      household { id householdType members { id relationshipToHoH client { firstName lastName } } }\n    }\n  }\n": typeof types.IntakeDocument,
    "\n  mutation Resolve($input: ResolveReferralInput!) {\n    resolveReferral(input: $input) {\n      id\n      status\n      referralResult\n      resultDate\n      declineReason\n      resultingEnrollment { id entryDate }\n      notes { id }\n    }\n  }\n": typeof types.ResolveDocument,
    "\n  query Me {\n    me {\n      user { email }\n      memberships { organization { id name } role }\n    }\n  }\n": typeof types.MeDocument,
};
const documents: Documents = {
    "\n  subscription ReferralUpdated {\n    referralUpdated {\n      id\n      status\n      client { firstName lastName }\n    }\n  }\n": types.ReferralUpdatedDocument,
    "\n  query Report($from: Date!, $to: Date!) {\n    referralReport(from: $from, to: $to) {\n      rows {\n        eventType\n        referredProject { id name }\n        total\n        successful\n        clientRejected\n        providerRejected\n        noResult\n        medianDaysToResult\n        p90DaysToResult\n      }\n      totals {\n        total\n        successful\n        clientRejected\n        providerRejected\n        noResult\n        cancelled\n        medianDaysToResult\n        medianDaysToAcknowledge\n        declineReasons { reason count }\n      }\n    }\n  }\n": types.ReportDocument,
    "\n  query Community($from: Date!, $to: Date!) {\n    withoutChildren: priorityList(householdType: WITHOUT_CHILDREN, first: 0) { totalCount }\n    withChildrenAndAdults: priorityList(householdType: WITH_CHILDREN_AND_ADULTS, first: 0) { totalCount }\n    withOnlyChildren: priorityList(householdType: WITH_ONLY_CHILDREN, first: 0) { totalCount }\n    unknownHouseholdType: priorityList(householdType: UNKNOWN, first: 0) { totalCount }\n    ceApr(from: $from, to: $to) { tables { question title columns rows { label values } } }\n  }\n": types.CommunityDocument,
    "\n  query Inbox($acknowledged: Boolean) {\n    referrals(status: PENDING, acknowledged: $acknowledged, first: 100) {\n      totalCount\n      nodes {\n        id\n        eventDate\n        eventType\n        acknowledgedAt\n        client { id firstName lastName }\n        referredProject { id name }\n        household { householdType members { id } }\n      }\n    }\n  }\n": types.InboxDocument,
    "\n  query Referral($id: ID!) {\n    ceEvent(id: $id) {\n      id\n      eventDate\n      eventType\n      status\n      referralResult\n      resultDate\n      declineReason\n      acknowledgedAt\n      acknowledgedBy { email }\n      cancelledAt\n      cancellationReason\n      referredProject { id name organization { name } }\n      client {\n        id\n        firstName\n        lastName\n        enrollments {\n          id\n          entryDate\n          exitDate\n          relationshipToHoH\n          project { id }\n          resolvedReferral { id }\n          household { members { id relationshipToHoH client { firstName } } }\n        }\n      }\n      household {\n        id\n        householdType\n        members { id relationshipToHoH entryDate exitDate client { id firstName lastName dateOfBirth } }\n      }\n      resultingEnrollment {\n        id\n        entryDate\n        project { name }\n        household { householdType members { id relationshipToHoH client { firstName lastName } } }\n      }\n      notes { id text createdAt author { email } organization { name } }\n    }\n  }\n": types.ReferralDocument,
    "\n  mutation Acknowledge($ceEventId: ID!) {\n    acknowledgeReferral(input: { ceEventId: $ceEventId }) { id status acknowledgedAt acknowledgedBy { email } }\n  }\n": types.AcknowledgeDocument,
    "\n  mutation AddNote($ceEventId: ID!, $text: String!) {\n    addReferralNote(input: { ceEventId: $ceEventId, text: $text }) { id text createdAt }\n  }\n": types.AddNoteDocument,
    "\n  mutation Intake($input: CreateEnrollmentInput!) {\n    createEnrollment(input: $input) {\n      id\n      entryDate\n      household { id householdType members { id relationshipToHoH client { firstName lastName } } }\n    }\n  }\n": types.IntakeDocument,
    "\n  mutation Resolve($input: ResolveReferralInput!) {\n    resolveReferral(input: $input) {\n      id\n      status\n      referralResult\n      resultDate\n      declineReason\n      resultingEnrollment { id entryDate }\n      notes { id }\n    }\n  }\n": types.ResolveDocument,
    "\n  query Me {\n    me {\n      user { email }\n      memberships { organization { id name } role }\n    }\n  }\n": types.MeDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ReferralUpdated {\n    referralUpdated {\n      id\n      status\n      client { firstName lastName }\n    }\n  }\n"): (typeof documents)["\n  subscription ReferralUpdated {\n    referralUpdated {\n      id\n      status\n      client { firstName lastName }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Report($from: Date!, $to: Date!) {\n    referralReport(from: $from, to: $to) {\n      rows {\n        eventType\n        referredProject { id name }\n        total\n        successful\n        clientRejected\n        providerRejected\n        noResult\n        medianDaysToResult\n        p90DaysToResult\n      }\n      totals {\n        total\n        successful\n        clientRejected\n        providerRejected\n        noResult\n        cancelled\n        medianDaysToResult\n        medianDaysToAcknowledge\n        declineReasons { reason count }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Report($from: Date!, $to: Date!) {\n    referralReport(from: $from, to: $to) {\n      rows {\n        eventType\n        referredProject { id name }\n        total\n        successful\n        clientRejected\n        providerRejected\n        noResult\n        medianDaysToResult\n        p90DaysToResult\n      }\n      totals {\n        total\n        successful\n        clientRejected\n        providerRejected\n        noResult\n        cancelled\n        medianDaysToResult\n        medianDaysToAcknowledge\n        declineReasons { reason count }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Community($from: Date!, $to: Date!) {\n    withoutChildren: priorityList(householdType: WITHOUT_CHILDREN, first: 0) { totalCount }\n    withChildrenAndAdults: priorityList(householdType: WITH_CHILDREN_AND_ADULTS, first: 0) { totalCount }\n    withOnlyChildren: priorityList(householdType: WITH_ONLY_CHILDREN, first: 0) { totalCount }\n    unknownHouseholdType: priorityList(householdType: UNKNOWN, first: 0) { totalCount }\n    ceApr(from: $from, to: $to) { tables { question title columns rows { label values } } }\n  }\n"): (typeof documents)["\n  query Community($from: Date!, $to: Date!) {\n    withoutChildren: priorityList(householdType: WITHOUT_CHILDREN, first: 0) { totalCount }\n    withChildrenAndAdults: priorityList(householdType: WITH_CHILDREN_AND_ADULTS, first: 0) { totalCount }\n    withOnlyChildren: priorityList(householdType: WITH_ONLY_CHILDREN, first: 0) { totalCount }\n    unknownHouseholdType: priorityList(householdType: UNKNOWN, first: 0) { totalCount }\n    ceApr(from: $from, to: $to) { tables { question title columns rows { label values } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Inbox($acknowledged: Boolean) {\n    referrals(status: PENDING, acknowledged: $acknowledged, first: 100) {\n      totalCount\n      nodes {\n        id\n        eventDate\n        eventType\n        acknowledgedAt\n        client { id firstName lastName }\n        referredProject { id name }\n        household { householdType members { id } }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Inbox($acknowledged: Boolean) {\n    referrals(status: PENDING, acknowledged: $acknowledged, first: 100) {\n      totalCount\n      nodes {\n        id\n        eventDate\n        eventType\n        acknowledgedAt\n        client { id firstName lastName }\n        referredProject { id name }\n        household { householdType members { id } }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Referral($id: ID!) {\n    ceEvent(id: $id) {\n      id\n      eventDate\n      eventType\n      status\n      referralResult\n      resultDate\n      declineReason\n      acknowledgedAt\n      acknowledgedBy { email }\n      cancelledAt\n      cancellationReason\n      referredProject { id name organization { name } }\n      client {\n        id\n        firstName\n        lastName\n        enrollments {\n          id\n          entryDate\n          exitDate\n          relationshipToHoH\n          project { id }\n          resolvedReferral { id }\n          household { members { id relationshipToHoH client { firstName } } }\n        }\n      }\n      household {\n        id\n        householdType\n        members { id relationshipToHoH entryDate exitDate client { id firstName lastName dateOfBirth } }\n      }\n      resultingEnrollment {\n        id\n        entryDate\n        project { name }\n        household { householdType members { id relationshipToHoH client { firstName lastName } } }\n      }\n      notes { id text createdAt author { email } organization { name } }\n    }\n  }\n"): (typeof documents)["\n  query Referral($id: ID!) {\n    ceEvent(id: $id) {\n      id\n      eventDate\n      eventType\n      status\n      referralResult\n      resultDate\n      declineReason\n      acknowledgedAt\n      acknowledgedBy { email }\n      cancelledAt\n      cancellationReason\n      referredProject { id name organization { name } }\n      client {\n        id\n        firstName\n        lastName\n        enrollments {\n          id\n          entryDate\n          exitDate\n          relationshipToHoH\n          project { id }\n          resolvedReferral { id }\n          household { members { id relationshipToHoH client { firstName } } }\n        }\n      }\n      household {\n        id\n        householdType\n        members { id relationshipToHoH entryDate exitDate client { id firstName lastName dateOfBirth } }\n      }\n      resultingEnrollment {\n        id\n        entryDate\n        project { name }\n        household { householdType members { id relationshipToHoH client { firstName lastName } } }\n      }\n      notes { id text createdAt author { email } organization { name } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Acknowledge($ceEventId: ID!) {\n    acknowledgeReferral(input: { ceEventId: $ceEventId }) { id status acknowledgedAt acknowledgedBy { email } }\n  }\n"): (typeof documents)["\n  mutation Acknowledge($ceEventId: ID!) {\n    acknowledgeReferral(input: { ceEventId: $ceEventId }) { id status acknowledgedAt acknowledgedBy { email } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddNote($ceEventId: ID!, $text: String!) {\n    addReferralNote(input: { ceEventId: $ceEventId, text: $text }) { id text createdAt }\n  }\n"): (typeof documents)["\n  mutation AddNote($ceEventId: ID!, $text: String!) {\n    addReferralNote(input: { ceEventId: $ceEventId, text: $text }) { id text createdAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Intake($input: CreateEnrollmentInput!) {\n    createEnrollment(input: $input) {\n      id\n      entryDate\n      household { id householdType members { id relationshipToHoH client { firstName lastName } } }\n    }\n  }\n"): (typeof documents)["\n  mutation Intake($input: CreateEnrollmentInput!) {\n    createEnrollment(input: $input) {\n      id\n      entryDate\n      household { id householdType members { id relationshipToHoH client { firstName lastName } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Resolve($input: ResolveReferralInput!) {\n    resolveReferral(input: $input) {\n      id\n      status\n      referralResult\n      resultDate\n      declineReason\n      resultingEnrollment { id entryDate }\n      notes { id }\n    }\n  }\n"): (typeof documents)["\n  mutation Resolve($input: ResolveReferralInput!) {\n    resolveReferral(input: $input) {\n      id\n      status\n      referralResult\n      resultDate\n      declineReason\n      resultingEnrollment { id entryDate }\n      notes { id }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    me {\n      user { email }\n      memberships { organization { id name } role }\n    }\n  }\n"): (typeof documents)["\n  query Me {\n    me {\n      user { email }\n      memberships { organization { id name } role }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;