"""The printed texts of the return programme in the languages the person may read: the consent
text and the plan summary's headings and task names. Babel's catalogs hold the interface's
Swedish and English; these few texts are printed for the person, in Romanian and Bulgarian too.
A language without a translation falls back to English, and the print says so."""

from __future__ import annotations

from typing import Final

from pathways.returns import FALLBACK_LANGUAGE, print_language

TEXTS: Final[dict[str, dict[str, str]]] = {
    "en": {
        "title": "Your return plan",
        "consent": (
            "I agree that my information needed for my return home (my code, gender, age band, "
            "children, languages and this plan) is shared with IOM, the International "
            "Organization for Migration. I may withdraw this consent at any time before I "
            "leave; then IOM no longer sees anything about me and the plan stops."
        ),
        "country": "Returning to",
        "before": "Before departure",
        "travel": "Travel",
        "after": "After arrival",
        "due": "by",
        "fallback": "No translation exists in the language asked for; printed in English.",
        "interpreter": "An interpreter was present.",
    },
    "sv": {
        "title": "Din plan för återvändandet",
        "consent": (
            "Jag samtycker till att de uppgifter om mig som behövs för att jag ska kunna resa "
            "hem (min kod, kön, åldersgrupp, barn, språk och denna plan) delas med IOM, "
            "Internationella organisationen för migration. Jag kan återkalla samtycket när som "
            "helst innan jag reser; då ser IOM inget mer om mig och planen stoppas."
        ),
        "country": "Återvänder till",
        "before": "Före avresan",
        "travel": "Resan",
        "after": "Efter ankomsten",
        "due": "senast",
        "fallback": "",
        "interpreter": "Tolk var med.",
    },
    "ro": {
        "title": "Planul tău de întoarcere",
        "consent": (
            "Sunt de acord ca informațiile despre mine necesare pentru întoarcerea acasă "
            "(codul meu, genul, grupa de vârstă, copiii, limbile și acest plan) să fie "
            "împărtășite cu OIM, Organizația Internațională pentru Migrație. Pot retrage acest "
            "acord oricând înainte de plecare; atunci OIM nu mai vede nimic despre mine, iar "
            "planul se oprește."
        ),
        "country": "Întoarcere în",
        "before": "Înainte de plecare",
        "travel": "Călătoria",
        "after": "După sosire",
        "due": "până la",
        "fallback": "",
        "interpreter": "A fost prezent un interpret.",
    },
    "bg": {
        "title": "Вашият план за завръщане",
        "consent": (
            "Съгласен/съгласна съм информацията за мен, необходима за завръщането ми у дома "
            "(моят код, пол, възрастова група, деца, езици и този план), да бъде споделена с "
            "МОМ, Международната организация по миграция. Мога да оттегля това съгласие по "
            "всяко време преди заминаването; тогава МОМ вече не вижда нищо за мен и планът "
            "спира."
        ),
        "country": "Завръщане в",
        "before": "Преди заминаването",
        "travel": "Пътуването",
        "after": "След пристигането",
        "due": "до",
        "fallback": "",
        "interpreter": "Присъстваше преводач.",
    },
}

TASK_NAMES: Final[dict[str, dict[str, str]]] = {
    "en": {
        "travel_document": "Travel document via the embassy",
        "medical_clearance": "Medical clearance",
        "escort": "Escort arranged",
        "reintegration_plan": "Reintegration plan agreed",
        "risk_assessment": "Risk assessment at home",
        "travel_date": "Travel date booked",
        "travel_escort": "Escort on the journey",
        "handover": "Hand-over on arrival",
        "housing": "Housing",
        "schooling_work": "Schooling or work",
        "healthcare": "Healthcare",
        "income": "Income",
        "follow_up_1": "Follow-up after 1 month",
        "follow_up_3": "Follow-up after 3 months",
        "follow_up_6": "Follow-up after 6 months",
        "follow_up_12": "Follow-up after 12 months",
    },
    "sv": {
        "travel_document": "Resehandling via ambassaden",
        "medical_clearance": "Medicinsk bedömning",
        "escort": "Eskort ordnad",
        "reintegration_plan": "Plan för återintegrering klar",
        "risk_assessment": "Riskbedömning i hemlandet",
        "travel_date": "Resdag bokad",
        "travel_escort": "Eskort under resan",
        "handover": "Överlämning vid ankomsten",
        "housing": "Boende",
        "schooling_work": "Skola eller arbete",
        "healthcare": "Hälso- och sjukvård",
        "income": "Inkomst",
        "follow_up_1": "Uppföljning efter 1 månad",
        "follow_up_3": "Uppföljning efter 3 månader",
        "follow_up_6": "Uppföljning efter 6 månader",
        "follow_up_12": "Uppföljning efter 12 månader",
    },
    "ro": {
        "travel_document": "Document de călătorie prin ambasadă",
        "medical_clearance": "Aviz medical",
        "escort": "Însoțitor asigurat",
        "reintegration_plan": "Plan de reintegrare convenit",
        "risk_assessment": "Evaluarea riscurilor acasă",
        "travel_date": "Data călătoriei rezervată",
        "travel_escort": "Însoțitor pe drum",
        "handover": "Predare la sosire",
        "housing": "Locuință",
        "schooling_work": "Școală sau muncă",
        "healthcare": "Asistență medicală",
        "income": "Venit",
        "follow_up_1": "Urmărire după 1 lună",
        "follow_up_3": "Urmărire după 3 luni",
        "follow_up_6": "Urmărire după 6 luni",
        "follow_up_12": "Urmărire după 12 luni",
    },
    "bg": {
        "travel_document": "Документ за пътуване чрез посолството",
        "medical_clearance": "Медицинско разрешение",
        "escort": "Осигурен придружител",
        "reintegration_plan": "Договорен план за реинтеграция",
        "risk_assessment": "Оценка на риска у дома",
        "travel_date": "Резервирана дата на пътуване",
        "travel_escort": "Придружител по време на пътуването",
        "handover": "Предаване при пристигане",
        "housing": "Жилище",
        "schooling_work": "Училище или работа",
        "healthcare": "Здравеопазване",
        "income": "Доход",
        "follow_up_1": "Проследяване след 1 месец",
        "follow_up_3": "Проследяване след 3 месеца",
        "follow_up_6": "Проследяване след 6 месеца",
        "follow_up_12": "Проследяване след 12 месеца",
    },
}


def printed_texts(wanted: str) -> tuple[str, dict[str, str], dict[str, str], bool]:
    """(language, texts, task names, fell back?) for printing in ``wanted``."""
    language, fell_back = print_language(wanted)
    if language not in TEXTS:  # pragma: no cover - PRINT_LANGUAGES and TEXTS agree
        language, fell_back = FALLBACK_LANGUAGE, True
    return language, TEXTS[language], TASK_NAMES[language], fell_back
