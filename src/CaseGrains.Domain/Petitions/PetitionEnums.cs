using System.Text.Json.Serialization;

namespace CaseGrains.Domain.Petitions;

/// <summary>信访渠道 — how a petition came in (条例 art. 17, plus 12345 referrals and assignments from above).</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<PetitionChannel>))]
public enum PetitionChannel
{
    /// <summary>来信.</summary>
    Letter,

    /// <summary>来访.</summary>
    Visit,

    /// <summary>网上信访.</summary>
    Online,

    /// <summary>来电.</summary>
    Phone,

    /// <summary>传真.</summary>
    Fax,

    /// <summary>12345 热线工单 — keeps the platform's order id and deadline.</summary>
    Hotline12345,

    /// <summary>上级交办.</summary>
    AssignedByHigherLevel,

    /// <summary>其他.</summary>
    Other,
}

/// <summary>办理状态 — where a petition stands.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<PetitionStatus>))]
public enum PetitionStatus
{
    /// <summary>已登记 — received, acceptance not yet decided.</summary>
    Registered,

    /// <summary>已受理 — being handled.</summary>
    Accepted,

    /// <summary>不予受理 — declined, the legal route told.</summary>
    Declined,

    /// <summary>已办结 — answered.</summary>
    Concluded,

    /// <summary>复查中.</summary>
    UnderReview,

    /// <summary>已复查.</summary>
    Reviewed,

    /// <summary>复核中.</summary>
    UnderRecheck,

    /// <summary>终结 — re-checked; the same facts and reasons are not accepted again.</summary>
    Final,

    /// <summary>已撤回.</summary>
    Withdrawn,
}

/// <summary>告知途径 — where a declined matter belongs (依法分类处理, 条例 art. 28–31).</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<DeclineRoute>))]
public enum DeclineRoute
{
    /// <summary>诉讼.</summary>
    Litigation,

    /// <summary>仲裁.</summary>
    Arbitration,

    /// <summary>行政复议.</summary>
    AdministrativeReconsideration,

    /// <summary>其他有权机关.</summary>
    OtherAuthority,

    /// <summary>其他.</summary>
    Other,
}

/// <summary>处理意见 — the answer's outcome (条例 art. 32).</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<PetitionOutcome>))]
public enum PetitionOutcome
{
    /// <summary>予以支持.</summary>
    Supported,

    /// <summary>部分支持.</summary>
    PartiallySupported,

    /// <summary>不予支持.</summary>
    NotSupported,

    /// <summary>解释说明.</summary>
    Explained,
}

/// <summary>满意度评价 — the petitioner's rating.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<SatisfactionRating>))]
public enum SatisfactionRating
{
    /// <summary>满意.</summary>
    Satisfied,

    /// <summary>基本满意.</summary>
    BasicallySatisfied,

    /// <summary>不满意.</summary>
    Dissatisfied,
}

/// <summary>复查/复核意见 — the higher level's decision on a review or re-check.</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<ReviewDecision>))]
public enum ReviewDecision
{
    /// <summary>维持.</summary>
    Upheld,

    /// <summary>变更/撤销.</summary>
    Changed,
}
