/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** HUD 4.20.2 Coordinated Entry Event. */
export type CeEventType =
  /** 2 Problem Solving/Diversion/Rapid Resolution intervention or service. */
  | 'PROBLEM_SOLVING_DIVERSION_RAPID_RESOLUTION'
  /** 3 Referral to scheduled Coordinated Entry Crisis Needs Assessment. */
  | 'REFERRAL_TO_CE_CRISIS_NEEDS_ASSESSMENT'
  /** 4 Referral to scheduled Coordinated Entry Housing Needs Assessment. */
  | 'REFERRAL_TO_CE_HOUSING_NEEDS_ASSESSMENT'
  /** 16 Referral to emergency assistance/flex fund/furniture assistance. */
  | 'REFERRAL_TO_EMERGENCY_ASSISTANCE'
  /**
   * 17 Referral to Emergency Housing Voucher (EHV): removed from collection by the FY2024
   * Data Dictionary v1.3; createCeEvent refuses it, stored and imported ones are kept.
   */
  | 'REFERRAL_TO_EMERGENCY_HOUSING_VOUCHER'
  /** 10 Referral to Emergency Shelter bed opening. */
  | 'REFERRAL_TO_EMERGENCY_SHELTER'
  /** 7 Referral to Housing Navigation project or services. */
  | 'REFERRAL_TO_HOUSING_NAVIGATION'
  /** 18 Referral to a Housing Stability Voucher. */
  | 'REFERRAL_TO_HOUSING_STABILITY_VOUCHER'
  /** 12 Referral to Joint TH-RRH project/unit/resource opening. */
  | 'REFERRAL_TO_JOINT_TH_RRH'
  /** 8 Referral to Non-continuum services: Ineligible for continuum services. */
  | 'REFERRAL_TO_NON_CONTINUUM_INELIGIBLE'
  /** 9 Referral to Non-continuum services: No availability in continuum services. */
  | 'REFERRAL_TO_NON_CONTINUUM_NO_AVAILABILITY'
  /** 15 Referral to Other PH project/unit/resource opening. */
  | 'REFERRAL_TO_OTHER_PH'
  /** 5 Referral to Post-placement/follow-up case management. */
  | 'REFERRAL_TO_POST_PLACEMENT_CASE_MANAGEMENT'
  /** 1 Referral to Prevention Assistance project. */
  | 'REFERRAL_TO_PREVENTION_ASSISTANCE'
  /** 14 Referral to PSH project resource opening. */
  | 'REFERRAL_TO_PSH'
  /** 13 Referral to RRH project resource opening. */
  | 'REFERRAL_TO_RRH'
  /** 6 Referral to Street Outreach project or services. */
  | 'REFERRAL_TO_STREET_OUTREACH'
  /** 11 Referral to Transitional Housing bed/unit opening. */
  | 'REFERRAL_TO_TRANSITIONAL_HOUSING';

/** Intake: a client's enrollment in a project of the acting organization. */
export type CreateEnrollmentInput = {
  /** The head of household (HUD 3.15 SELF_HEAD_OF_HOUSEHOLD). */
  clientId: string | number;
  /** EntryDate (HUD 3.10): not in the future, within the project's operating dates. */
  entryDate: string;
  /** The household's other members, enrolled with the head in the same transaction. */
  members?: Array<HouseholdMemberInput> | null | undefined;
  /** The project of the acting organization the household enters. */
  projectId: string | number;
};

/**
 * Why a referral did not lead to an enrollment (rule L3). Hearth's own codes, stored on the CE
 * event; each implies its HUD 4.20.D result (`result`).
 */
export type DeclineReason =
  /** The client declined the program. */
  | 'CLIENT_DECLINED'
  /** The client left the area. */
  | 'CLIENT_LEFT_AREA'
  /** The client is housed or no longer homeless. */
  | 'CLIENT_NO_LONGER_HOMELESS'
  /** Another reason on the client's side: a note says what. */
  | 'CLIENT_OTHER'
  /** The program could not reach the client. */
  | 'CLIENT_UNREACHABLE'
  /** The household does not fit the program's units. */
  | 'PROVIDER_HOUSEHOLD_DOES_NOT_FIT'
  /** The household is not eligible for the program. */
  | 'PROVIDER_INELIGIBLE'
  /** The intake was not completed. */
  | 'PROVIDER_INTAKE_NOT_COMPLETED'
  /** The program has no vacancy. */
  | 'PROVIDER_NO_VACANCY'
  /** Another reason on the program's side: a note says what. */
  | 'PROVIDER_OTHER'
  /** A safety concern. */
  | 'PROVIDER_SAFETY_CONCERN';

/** A member entering with the head of household. */
export type HouseholdMemberInput = {
  /** The member's client record. */
  clientId: string | number;
  /** Default: the head's entryDate; not before it. */
  entryDate?: string | null | undefined;
  /** HUD 3.15, to the head; not SELF_HEAD_OF_HOUSEHOLD. */
  relationshipToHoH: RelationshipToHoH;
};

/**
 * The CE APR's household types, from the members' ages on the head's entry date (under 18: a
 * child).
 */
export type HouseholdType =
  /** Anything else: an unknown age with no child-and-adult pair to decide it. */
  | 'UNKNOWN'
  /** Every member's age is known and every member is 18 or older. */
  | 'WITHOUT_CHILDREN'
  /** At least one member 18 or older and one under 18. */
  | 'WITH_CHILDREN_AND_ADULTS'
  /** Every member is under 18. */
  | 'WITH_ONLY_CHILDREN';

/** HUD 4.20.D Referral Result. */
export type ReferralResult =
  /** 1 Successful referral: client accepted. */
  | 'SUCCESSFUL_CLIENT_ACCEPTED'
  /** 2 Unsuccessful referral: client rejected. */
  | 'UNSUCCESSFUL_CLIENT_REJECTED'
  /** 3 Unsuccessful referral: provider rejected. */
  | 'UNSUCCESSFUL_PROVIDER_REJECTED';

/** Where a CE event stands, derived from its type and HUD 4.20.D Referral Result. */
export type ReferralStatus =
  /** A referral the CE side withdrew as made in error (cancelReferral, rule L6). */
  | 'CANCELLED'
  /** An event type that carries no referral result (HUD 4.20.2 codes 1-9 and 16). */
  | 'NOT_A_REFERRAL'
  /** A housing referral with no result yet: the housing program still has to resolve it. */
  | 'PENDING'
  /** Referral Result 1: the client was accepted and enrolled. */
  | 'SUCCESSFUL'
  /** Referral Result 2 or 3: the client or the provider rejected the referral. */
  | 'UNSUCCESSFUL';

/** HUD 3.15 Relationship to Head of Household. */
export type RelationshipToHoH =
  /** 2 Head of household's child. */
  | 'CHILD'
  /** 99 Data not collected. */
  | 'DATA_NOT_COLLECTED'
  /** 4 Head of household's other relation member. */
  | 'OTHER_RELATIVE'
  /** 1 Self (head of household). */
  | 'SELF_HEAD_OF_HOUSEHOLD'
  /** 3 Head of household's spouse or partner. */
  | 'SPOUSE_OR_PARTNER'
  /** 5 Other: non-relation member. */
  | 'UNRELATED_MEMBER';

/** The housing program's resolution of a referral (HUD 4.20.D, 4.20.E); a correction's fields too. */
export type ResolveReferralInput = {
  /** The referral (the CE event's id): pending to resolve it, resolved to correct it. */
  ceEventId: string | number;
  /**
   * Unsuccessful only: why, agreeing with referralResult (CLIENT_* / PROVIDER_*); the _OTHER
   * reasons need a note.
   */
  declineReason?: DeclineReason | null | undefined;
  /** Added to the referral's notes in the same transaction (1..2000 characters). */
  note?: string | null | undefined;
  /** ReferralResult (HUD 4.20.D): successful, or unsuccessful and why. */
  referralResult: ReferralResult;
  /**
   * Required when unsuccessful (the day it was decided); when successful, defaults to the
   * resulting enrollment's entryDate and must equal it if given.
   */
  resultDate?: string | null | undefined;
  /** Required when successful (create the enrollment first), forbidden otherwise. */
  resultingEnrollmentId?: string | number | null | undefined;
};

/** A user's role within one organization. */
export type Role =
  /** Runs the Hearth installation: may do everything, acting as any of its organizations. */
  | 'ADMIN'
  /** Staff of a housing program's organization, who resolve referrals to its projects. */
  | 'HOUSING_STAFF'
  /** Coordinated Entry staff who keep the community's priority list and record referrals. */
  | 'PRIORITY_LIST_MANAGER';

export type ReferralUpdatedSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type ReferralUpdatedSubscription = { referralUpdated: { id: string, status: ReferralStatus, client: { firstName: string, lastName: string } } };

export type ReportQueryVariables = Exact<{
  from: string;
  to: string;
}>;


export type ReportQuery = { referralReport: { rows: Array<{ eventType: CeEventType, total: number, successful: number, clientRejected: number, providerRejected: number, noResult: number, medianDaysToResult: number | null, p90DaysToResult: number | null, referredProject: { id: string, name: string } | null }>, totals: { total: number, successful: number, clientRejected: number, providerRejected: number, noResult: number, cancelled: number, medianDaysToResult: number | null, medianDaysToAcknowledge: number | null, declineReasons: Array<{ reason: DeclineReason, count: number }> } } };

export type CommunityQueryVariables = Exact<{
  from: string;
  to: string;
}>;


export type CommunityQuery = { withoutChildren: { totalCount: number }, withChildrenAndAdults: { totalCount: number }, withOnlyChildren: { totalCount: number }, unknownHouseholdType: { totalCount: number }, ceApr: { tables: Array<{ question: string, title: string, columns: Array<string>, rows: Array<{ label: string, values: Array<number> }> }> } };

export type InboxQueryVariables = Exact<{
  acknowledged?: boolean | null | undefined;
}>;


export type InboxQuery = { referrals: { totalCount: number, nodes: Array<{ id: string, eventDate: string, eventType: CeEventType, acknowledgedAt: string | null, client: { id: string, firstName: string, lastName: string }, referredProject: { id: string, name: string } | null, household: { householdType: HouseholdType, members: Array<{ id: string }> } }> } };

export type ReferralQueryVariables = Exact<{
  id: string | number;
}>;


export type ReferralQuery = { ceEvent: { id: string, eventDate: string, eventType: CeEventType, status: ReferralStatus, referralResult: ReferralResult | null, resultDate: string | null, declineReason: DeclineReason | null, acknowledgedAt: string | null, cancelledAt: string | null, cancellationReason: string | null, acknowledgedBy: { email: string } | null, referredProject: { id: string, name: string, organization: { name: string } } | null, client: { id: string, firstName: string, lastName: string, enrollments: Array<{ id: string, entryDate: string, exitDate: string | null, relationshipToHoH: RelationshipToHoH, project: { id: string }, resolvedReferral: { id: string } | null, household: { members: Array<{ id: string, relationshipToHoH: RelationshipToHoH, client: { firstName: string } }> } }> }, household: { id: string, householdType: HouseholdType, members: Array<{ id: string, relationshipToHoH: RelationshipToHoH, entryDate: string, exitDate: string | null, client: { id: string, firstName: string, lastName: string, dateOfBirth: string | null } }> }, resultingEnrollment: { id: string, entryDate: string, project: { name: string }, household: { householdType: HouseholdType, members: Array<{ id: string, relationshipToHoH: RelationshipToHoH, client: { firstName: string, lastName: string } }> } } | null, notes: Array<{ id: string, text: string, createdAt: string, author: { email: string }, organization: { name: string } }> } | null };

export type AcknowledgeMutationVariables = Exact<{
  ceEventId: string | number;
}>;


export type AcknowledgeMutation = { acknowledgeReferral: { id: string, status: ReferralStatus, acknowledgedAt: string | null, acknowledgedBy: { email: string } | null } };

export type AddNoteMutationVariables = Exact<{
  ceEventId: string | number;
  text: string;
}>;


export type AddNoteMutation = { addReferralNote: { id: string, text: string, createdAt: string } };

export type IntakeMutationVariables = Exact<{
  input: CreateEnrollmentInput;
}>;


export type IntakeMutation = { createEnrollment: { id: string, entryDate: string, household: { id: string, householdType: HouseholdType, members: Array<{ id: string, relationshipToHoH: RelationshipToHoH, client: { firstName: string, lastName: string } }> } } };

export type ResolveMutationVariables = Exact<{
  input: ResolveReferralInput;
}>;


export type ResolveMutation = { resolveReferral: { id: string, status: ReferralStatus, referralResult: ReferralResult | null, resultDate: string | null, declineReason: DeclineReason | null, resultingEnrollment: { id: string, entryDate: string } | null, notes: Array<{ id: string }> } };

export type MeQueryVariables = Exact<{ [key: string]: never; }>;


export type MeQuery = { me: { user: { email: string }, memberships: Array<{ role: Role, organization: { id: string, name: string } }> } };


export const ReferralUpdatedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"ReferralUpdated"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"referralUpdated"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"client"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"firstName"}},{"kind":"Field","name":{"kind":"Name","value":"lastName"}}]}}]}}]}}]} as unknown as DocumentNode<ReferralUpdatedSubscription, ReferralUpdatedSubscriptionVariables>;
export const ReportDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Report"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"from"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"to"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"referralReport"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"from"},"value":{"kind":"Variable","name":{"kind":"Name","value":"from"}}},{"kind":"Argument","name":{"kind":"Name","value":"to"},"value":{"kind":"Variable","name":{"kind":"Name","value":"to"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rows"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"eventType"}},{"kind":"Field","name":{"kind":"Name","value":"referredProject"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"successful"}},{"kind":"Field","name":{"kind":"Name","value":"clientRejected"}},{"kind":"Field","name":{"kind":"Name","value":"providerRejected"}},{"kind":"Field","name":{"kind":"Name","value":"noResult"}},{"kind":"Field","name":{"kind":"Name","value":"medianDaysToResult"}},{"kind":"Field","name":{"kind":"Name","value":"p90DaysToResult"}}]}},{"kind":"Field","name":{"kind":"Name","value":"totals"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"successful"}},{"kind":"Field","name":{"kind":"Name","value":"clientRejected"}},{"kind":"Field","name":{"kind":"Name","value":"providerRejected"}},{"kind":"Field","name":{"kind":"Name","value":"noResult"}},{"kind":"Field","name":{"kind":"Name","value":"cancelled"}},{"kind":"Field","name":{"kind":"Name","value":"medianDaysToResult"}},{"kind":"Field","name":{"kind":"Name","value":"medianDaysToAcknowledge"}},{"kind":"Field","name":{"kind":"Name","value":"declineReasons"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}}]}}]}}]}}]} as unknown as DocumentNode<ReportQuery, ReportQueryVariables>;
export const CommunityDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Community"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"from"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"to"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","alias":{"kind":"Name","value":"withoutChildren"},"name":{"kind":"Name","value":"priorityList"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"householdType"},"value":{"kind":"EnumValue","value":"WITHOUT_CHILDREN"}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"0"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"withChildrenAndAdults"},"name":{"kind":"Name","value":"priorityList"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"householdType"},"value":{"kind":"EnumValue","value":"WITH_CHILDREN_AND_ADULTS"}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"0"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"withOnlyChildren"},"name":{"kind":"Name","value":"priorityList"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"householdType"},"value":{"kind":"EnumValue","value":"WITH_ONLY_CHILDREN"}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"0"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"unknownHouseholdType"},"name":{"kind":"Name","value":"priorityList"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"householdType"},"value":{"kind":"EnumValue","value":"UNKNOWN"}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"0"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}}]}},{"kind":"Field","name":{"kind":"Name","value":"ceApr"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"from"},"value":{"kind":"Variable","name":{"kind":"Name","value":"from"}}},{"kind":"Argument","name":{"kind":"Name","value":"to"},"value":{"kind":"Variable","name":{"kind":"Name","value":"to"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"tables"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"question"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"columns"}},{"kind":"Field","name":{"kind":"Name","value":"rows"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"values"}}]}}]}}]}}]}}]} as unknown as DocumentNode<CommunityQuery, CommunityQueryVariables>;
export const InboxDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Inbox"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"acknowledged"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"referrals"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"status"},"value":{"kind":"EnumValue","value":"PENDING"}},{"kind":"Argument","name":{"kind":"Name","value":"acknowledged"},"value":{"kind":"Variable","name":{"kind":"Name","value":"acknowledged"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"eventDate"}},{"kind":"Field","name":{"kind":"Name","value":"eventType"}},{"kind":"Field","name":{"kind":"Name","value":"acknowledgedAt"}},{"kind":"Field","name":{"kind":"Name","value":"client"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"firstName"}},{"kind":"Field","name":{"kind":"Name","value":"lastName"}}]}},{"kind":"Field","name":{"kind":"Name","value":"referredProject"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"household"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"householdType"}},{"kind":"Field","name":{"kind":"Name","value":"members"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<InboxQuery, InboxQueryVariables>;
export const ReferralDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Referral"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"ceEvent"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"eventDate"}},{"kind":"Field","name":{"kind":"Name","value":"eventType"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"referralResult"}},{"kind":"Field","name":{"kind":"Name","value":"resultDate"}},{"kind":"Field","name":{"kind":"Name","value":"declineReason"}},{"kind":"Field","name":{"kind":"Name","value":"acknowledgedAt"}},{"kind":"Field","name":{"kind":"Name","value":"acknowledgedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"email"}}]}},{"kind":"Field","name":{"kind":"Name","value":"cancelledAt"}},{"kind":"Field","name":{"kind":"Name","value":"cancellationReason"}},{"kind":"Field","name":{"kind":"Name","value":"referredProject"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"organization"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"client"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"firstName"}},{"kind":"Field","name":{"kind":"Name","value":"lastName"}},{"kind":"Field","name":{"kind":"Name","value":"enrollments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"entryDate"}},{"kind":"Field","name":{"kind":"Name","value":"exitDate"}},{"kind":"Field","name":{"kind":"Name","value":"relationshipToHoH"}},{"kind":"Field","name":{"kind":"Name","value":"project"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"resolvedReferral"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"household"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"members"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"relationshipToHoH"}},{"kind":"Field","name":{"kind":"Name","value":"client"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"firstName"}}]}}]}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"household"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"householdType"}},{"kind":"Field","name":{"kind":"Name","value":"members"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"relationshipToHoH"}},{"kind":"Field","name":{"kind":"Name","value":"entryDate"}},{"kind":"Field","name":{"kind":"Name","value":"exitDate"}},{"kind":"Field","name":{"kind":"Name","value":"client"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"firstName"}},{"kind":"Field","name":{"kind":"Name","value":"lastName"}},{"kind":"Field","name":{"kind":"Name","value":"dateOfBirth"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"resultingEnrollment"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"entryDate"}},{"kind":"Field","name":{"kind":"Name","value":"project"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"household"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"householdType"}},{"kind":"Field","name":{"kind":"Name","value":"members"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"relationshipToHoH"}},{"kind":"Field","name":{"kind":"Name","value":"client"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"firstName"}},{"kind":"Field","name":{"kind":"Name","value":"lastName"}}]}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"notes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"author"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"email"}}]}},{"kind":"Field","name":{"kind":"Name","value":"organization"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]} as unknown as DocumentNode<ReferralQuery, ReferralQueryVariables>;
export const AcknowledgeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"Acknowledge"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"ceEventId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"acknowledgeReferral"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"ceEventId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ceEventId"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"acknowledgedAt"}},{"kind":"Field","name":{"kind":"Name","value":"acknowledgedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"email"}}]}}]}}]}}]} as unknown as DocumentNode<AcknowledgeMutation, AcknowledgeMutationVariables>;
export const AddNoteDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"AddNote"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"ceEventId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"text"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"addReferralNote"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"ceEventId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ceEventId"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"text"},"value":{"kind":"Variable","name":{"kind":"Name","value":"text"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]}}]} as unknown as DocumentNode<AddNoteMutation, AddNoteMutationVariables>;
export const IntakeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"Intake"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateEnrollmentInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createEnrollment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"entryDate"}},{"kind":"Field","name":{"kind":"Name","value":"household"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"householdType"}},{"kind":"Field","name":{"kind":"Name","value":"members"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"relationshipToHoH"}},{"kind":"Field","name":{"kind":"Name","value":"client"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"firstName"}},{"kind":"Field","name":{"kind":"Name","value":"lastName"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<IntakeMutation, IntakeMutationVariables>;
export const ResolveDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"Resolve"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ResolveReferralInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"resolveReferral"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"referralResult"}},{"kind":"Field","name":{"kind":"Name","value":"resultDate"}},{"kind":"Field","name":{"kind":"Name","value":"declineReason"}},{"kind":"Field","name":{"kind":"Name","value":"resultingEnrollment"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"entryDate"}}]}},{"kind":"Field","name":{"kind":"Name","value":"notes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}}]} as unknown as DocumentNode<ResolveMutation, ResolveMutationVariables>;
export const MeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"user"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"email"}}]}},{"kind":"Field","name":{"kind":"Name","value":"memberships"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"organization"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"role"}}]}}]}}]}}]} as unknown as DocumentNode<MeQuery, MeQueryVariables>;