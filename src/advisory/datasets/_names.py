"""Name pools shipped with the generator, by ethnic group; nicknames and spelling variants.

Small, hand-written lists (no download, no ``faker`` dependency). They are
not a census of names: they make linkage difficulty differ between groups the
way it does in practice -- smaller surname pools (many people share a
surname), transliterated names with several spellings, and naming
conventions where given name and family name are recorded in either order.
"""

from __future__ import annotations

from typing import Final

__all__ = ["NAME_POOLS", "NAME_SWAP_FACTOR", "NICKNAMES", "SPELLINGS"]

_WHITE_BRITISH_M = (
    "James William Thomas Daniel Michael Robert Joseph Samuel Christopher Matthew "
    "Alexander Benjamin Jack Harry Oliver George Charlie Jacob Liam Ryan Connor Kyle "
    "Jordan Lewis Callum Nathan Adam Luke Jamie Dylan Ethan Mason Tyler Reece Scott"
).split()
_WHITE_BRITISH_F = (
    "Elizabeth Margaret Katherine Jennifer Rebecca Sarah Emma Charlotte Sophie Jessica "
    "Lauren Amy Chloe Hannah Emily Olivia Grace Lily Megan Bethany Paige Courtney Jade "
    "Kirsty Leanne Stacey Natalie Danielle Gemma Zoe Abigail Victoria Samantha Amber Holly"
).split()
_WHITE_BRITISH_S = (
    "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson "
    "Evans Walker White Roberts Green Hall Wood Jackson Clarke Harrison Lewis Hughes "
    "Edwards Turner Hill Moore Cooper Ward Morris King Watson Baker Harris Martin Parker "
    "Bennett Cook Shaw Marshall Richardson Bailey Collins Dixon Holmes Fletcher Gray"
).split()
_WHITE_OTHER_M = (
    "Lukasz Piotr Krzysztof Tomasz Marek Andrzej Jakub Mateusz Oleksandr Andrii Ionut "
    "Gheorghe Florin Adrian Marius Joao Pedro Tiago Rui Giuseppe Marco Luca Darius Mindaugas"
).split()
_WHITE_OTHER_F = (
    "Agnieszka Katarzyna Magdalena Joanna Aleksandra Natalia Olena Iryna Ioana Elena "
    "Andreea Mihaela Ana Maria Beatriz Ines Giulia Chiara Francesca Ruta Agne Kristina"
).split()
_WHITE_OTHER_S = (
    "Nowak Kowalski Wisniewski Wojcik Kaminski Lewandowski Zielinski Szymanski Kowalczyk "
    "Shevchenko Kovalenko Bondarenko Popescu Ionescu Popa Dumitru Stan Silva Santos "
    "Ferreira Pereira Rossi Russo Ferrari Kazlauskas Petrauskas Horvath Nagy"
).split()
_ASIAN_M = (
    "Mohammed Ahmed Ali Hassan Hussain Imran Bilal Usman Hamza Zain Yusuf Ibrahim Abdullah "
    "Omar Adil Arjun Rahul Vikram Sanjay Amit Ravi Harpreet Gurpreet Jaspreet Rajesh"
).split()
_ASIAN_F = (
    "Fatima Aisha Ayesha Zainab Maryam Khadija Amina Saima Nadia Sana Hina Rukhsana "
    "Shabana Priya Anjali Neha Pooja Sunita Kiran Harjit Manpreet Simran Nasreen"
).split()
_ASIAN_S = (
    "Khan Ahmed Ali Hussain Begum Akhtar Shah Iqbal Rahman Mahmood Patel Singh Kaur "
    "Sharma Kumar Chowdhury Uddin Islam Miah Bibi"
).split()
_BLACK_M = (
    "Oluwaseun Adebayo Chinedu Emeka Tunde Kwame Kofi Kwabena Yaw Abdi Mohamed Ahmed "
    "Tyrone Marcus Dwayne Andre Jermaine Darnell Daniel Samuel David Joseph Emmanuel "
    "Michael Isaac"
).split()
_BLACK_F = (
    "Oluwadamilare Folake Adaeze Chiamaka Ngozi Abena Akosua Ama Fartun Hodan Amina "
    "Shanice Tanisha Keisha Aaliyah Precious Blessing Grace Faith Esther Mercy Joy"
).split()
_BLACK_S = (
    "Okafor Okonkwo Adeyemi Adebayo Oluwole Mensah Owusu Boateng Asante Osei Mohamed "
    "Hassan Abdi Warsame Campbell Williams Brown Thomas Johnson Francis Grant Clarke "
    "Richards Bailey"
).split()
_GRT_M = (
    "John Patrick Michael Thomas James Martin Joseph William Henry Levi Noah Elijah "
    "Johnny Tommy Jimmy"
).split()
_GRT_F = (
    "Mary Bridget Margaret Kathleen Ellen Nora Eileen Sarah Rose Violet Esther Charity "
    "Tracey Shannon"
).split()
_GRT_S = "Smith Lee Price Doran Ward McDonagh Connors Joyce Maughan Boswell Lovell Stokes".split()
_OTHER_M = (
    "Mehmet Mustafa Ahmet Emre Murat Karim Tariq Samir Wei Jun Hao Minh Duc Luis Carlos "
    "Jorge Alejandro Reza Ali Hamid"
).split()
_OTHER_F = (
    "Ayse Fatma Elif Zeynep Leila Yasmin Rania Mei Ling Xiu Linh Thi Lucia Carmen Sofia "
    "Maryam Shirin Parisa"
).split()
_OTHER_S = (
    "Yilmaz Kaya Demir Sahin Celik Haddad Nasser Mansour Zhang Wang Li Chen Liu Nguyen "
    "Tran Le Garcia Rodriguez Lopez Hosseini Ahmadi Karimi"
).split()


def _pool(male: list[str], female: list[str], surnames: list[str]) -> dict[str, tuple[str, ...]]:
    return {"male": tuple(male), "female": tuple(female), "surname": tuple(surnames)}


#: Given names by sex and surnames, for each ethnic group of
#: :data:`advisory.datasets.ETHNICITIES`. The Mixed group draws from both the
#: White British and the Black pools.
NAME_POOLS: Final[dict[str, dict[str, tuple[str, ...]]]] = {
    "White British": _pool(_WHITE_BRITISH_M, _WHITE_BRITISH_F, _WHITE_BRITISH_S),
    "White Other": _pool(_WHITE_OTHER_M, _WHITE_OTHER_F, _WHITE_OTHER_S),
    "Asian": _pool(_ASIAN_M, _ASIAN_F, _ASIAN_S),
    "Black": _pool(_BLACK_M, _BLACK_F, _BLACK_S),
    "Mixed": _pool(
        _WHITE_BRITISH_M[:18] + _BLACK_M[12:],
        _WHITE_BRITISH_F[:18] + _BLACK_F[11:],
        _WHITE_BRITISH_S[:25] + _BLACK_S[14:],
    ),
    "Gypsy, Roma or Traveller": _pool(_GRT_M, _GRT_F, _GRT_S),
    "Other": _pool(_OTHER_M, _OTHER_F, _OTHER_S),
}

#: How much more often given and family names are recorded in swapped order,
#: by group (naming conventions differ; 1.0 elsewhere).
NAME_SWAP_FACTOR: Final[dict[str, float]] = {"Asian": 4.0, "Black": 3.0, "Other": 4.0}

#: Nicknames or short forms an agency may record instead of the given name.
NICKNAMES: Final[dict[str, tuple[str, ...]]] = {
    "William": ("Bill", "Will", "Billy"),
    "Robert": ("Rob", "Bob", "Bobby"),
    "James": ("Jim", "Jimmy", "Jamie"),
    "Thomas": ("Tom", "Tommy"),
    "Daniel": ("Dan", "Danny"),
    "Michael": ("Mike", "Mick"),
    "Christopher": ("Chris",),
    "Matthew": ("Matt",),
    "Alexander": ("Alex",),
    "Benjamin": ("Ben",),
    "Joseph": ("Joe", "Joey"),
    "Samuel": ("Sam",),
    "Patrick": ("Paddy", "Pat"),
    "John": ("Johnny", "Jack"),
    "Elizabeth": ("Liz", "Beth", "Lizzie"),
    "Margaret": ("Maggie", "Peggy"),
    "Katherine": ("Kate", "Kathy"),
    "Kathleen": ("Kath",),
    "Jennifer": ("Jenny", "Jen"),
    "Rebecca": ("Becky", "Becca"),
    "Samantha": ("Sam",),
    "Victoria": ("Vicky", "Tori"),
    "Abigail": ("Abbie",),
    "Bridget": ("Biddy",),
    "Abdullah": ("Abdul",),
    "Oluwaseun": ("Seun",),
    "Oluwadamilare": ("Dami",),
    "Aleksandra": ("Ola",),
    "Oleksandr": ("Sasha",),
    "Krzysztof": ("Krzys",),
    "Emmanuel": ("Manny",),
    "Ibrahim": ("Ibby",),
}

#: Other spellings of a name (transliteration, dropped or added diacritics).
SPELLINGS: Final[dict[str, tuple[str, ...]]] = {
    "Mohammed": ("Muhammad", "Mohammad", "Mohamed", "Muhammed"),
    "Mohamed": ("Mohammed", "Mohamud"),
    "Ahmed": ("Ahmad", "Ahmet"),
    "Hussain": ("Hussein", "Husain"),
    "Hassan": ("Hasan",),
    "Yusuf": ("Yousef", "Yusef", "Youssef"),
    "Aisha": ("Ayesha", "Aysha"),
    "Ayesha": ("Aisha",),
    "Fatima": ("Fatimah", "Fatma"),
    "Khadija": ("Khadijah", "Khadeeja"),
    "Zainab": ("Zaynab",),
    "Maryam": ("Mariam", "Miriam"),
    "Chowdhury": ("Choudhury", "Chaudhry"),
    "Rahman": ("Rehman",),
    "Mahmood": ("Mahmud", "Mehmood"),
    "Uddin": ("Udin",),
    "Miah": ("Mia",),
    "Abdi": ("Abdy",),
    "Warsame": ("Warsama",),
    "Oleksandr": ("Aleksandr", "Alexandr"),
    "Andrii": ("Andriy", "Andrei"),
    "Olena": ("Elena", "Alena"),
    "Shevchenko": ("Schevchenko",),
    "Lukasz": ("Łukasz",),
    "Wisniewski": ("Wiśniewski",),
    "Wojcik": ("Wójcik",),
    "Kaminski": ("Kamiński",),
    "Zielinski": ("Zieliński",),
    "Joao": ("João",),
    "Ines": ("Inês",),
    "Zoe": ("Zoë",),
    "Ayse": ("Ayşe",),
    "Sahin": ("Şahin",),
    "Celik": ("Çelik",),
    "Zhang": ("Chang",),
    "Nguyen": ("Nguyễn", "Nguyen-Van"),
    "Hosseini": ("Husseini",),
    "McDonagh": ("McDonough", "Mc Donagh"),
    "Maughan": ("Maughn",),
    "Doran": ("Dorran",),
}
